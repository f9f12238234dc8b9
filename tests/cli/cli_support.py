"""Shared helpers of the coding-CLI end-to-end tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
from dataclasses import dataclass

import httpx
import pytest

HERE = pathlib.Path(__file__).resolve().parent
BIN_DIR = HERE / "node_modules" / ".bin"
CLIENT_KEY = "sk-cli-e2e-client"
MOCK_PREFIX = "mock-upstream listening on "

# Upstream model names (what the mock sees) behind the aliases the CLIs ask for.
CLAUDE_MODEL = "claude-sonnet-4-5-20250929"
CLAUDE_MODEL_NO_TOOLS = "claude-haiku-4-5-20251001"  # payload filter strips its tools
GEMINI_MODEL = "gemini-2.5-pro"
CODEX_MODEL = "gpt-5"


def proxy_config(mock_url: str, port: int, auth_dir: str) -> str:
    return f"""# written by tests/cli/conftest.py
host: 127.0.0.1
port: {port}
api-keys: ["{CLIENT_KEY}"]
auth-dir: "{auth_dir}"
request-retry: 0
claude-api-key:
  - api-key: "sk-ant-cli-e2e"
    base-url: "{mock_url}"
    models:
      - {{name: "{CLAUDE_MODEL}", alias: "cli-claude"}}
      - {{name: "{CLAUDE_MODEL_NO_TOOLS}", alias: "cli-claude-notools"}}
gemini-api-key:
  - api-key: "gm-cli-e2e"
    base-url: "{mock_url}"
    models: [{{name: "{GEMINI_MODEL}", alias: "cli-gemini"}}]
codex-api-key:
  - api-key: "cx-cli-e2e"
    base-url: "{mock_url}/v1"
    models: [{{name: "{CODEX_MODEL}", alias: "cli-codex"}}]
# Codex CLI always declares tools; with them the mock answers with a tool call. The
# plain-text Codex test asks for this alias, whose upstream request loses its tools.
payload:
  filter:
    - models: [{{name: "{CLAUDE_MODEL_NO_TOOLS}", protocol: "claude"}}]
      params: ["tools", "tool_choice"]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpa_binary() -> str:
    binary = os.environ.get("CPA_BIN")
    if not binary:
        pytest.skip("CPA_BIN is not set (run tests/cli/run.sh)")
    return binary


class Mock:
    """A running mock upstream: its base URL and its request log."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def requests(self) -> list[dict]:
        response = httpx.get(f"{self.base_url}/__mock/requests")
        response.raise_for_status()
        return [r for r in response.json() if not r["path"].startswith("/__mock")]

    def clear(self) -> None:
        httpx.delete(f"{self.base_url}/__mock/requests").raise_for_status()
        httpx.delete(f"{self.base_url}/__mock/script").raise_for_status()


@dataclass
class Proxy:
    base_url: str
    log_path: pathlib.Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cli_path(name: str) -> str:
    path = BIN_DIR / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` in tests/cli (tests/cli/run.sh does)")
    return str(path)
