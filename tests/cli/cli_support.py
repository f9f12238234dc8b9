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


@dataclass(frozen=True)
class Provider:
    """One provider entry of the generated config and what its upstream requests look like."""

    section: str  # config key
    api_key: str  # upstream credential the mock must see
    base_suffix: str  # appended to the mock URL for base-url
    model: str  # upstream model behind alias cli-<name>
    model_no_tools: str  # upstream model behind cli-<name>-notools (payload filter drops tools)
    path: str  # the mock path every request of this provider must hit ({model} substituted)
    body_key: str  # a top-level body key only this format has


PROVIDERS: dict[str, Provider] = {
    "claude": Provider(
        "claude-api-key",
        "sk-ant-cli-e2e",
        "",
        "claude-sonnet-4-5-20250929",
        "claude-haiku-4-5-20251001",
        "/v1/messages",
        "messages",
    ),
    "gemini": Provider(
        "gemini-api-key",
        "gm-cli-e2e",
        "",
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "/v1beta/models/{model}:streamGenerateContent",
        "contents",
    ),
    "vertex": Provider(
        "vertex-api-key",
        "vx-cli-e2e",
        "",
        "gemini-2.0-flash",
        "gemini-2.0-flash-lite",
        "/v1/publishers/google/models/{model}:streamGenerateContent",
        "contents",
    ),
    "codex": Provider(
        "codex-api-key",
        "cx-cli-e2e",
        "/v1",
        "gpt-5",
        "gpt-5-mini",
        "/v1/responses",
        "input",
    ),
    "compat": Provider(
        "openai-compatibility",
        "oa-cli-e2e",
        "/v1",
        "gpt-4o-mini",
        "gpt-4o",
        "/v1/chat/completions",
        "messages",
    ),
}


def _provider_entry(name: str, p: Provider, mock_url: str) -> str:
    models = (
        f'      - {{name: "{p.model}", alias: "cli-{name}"}}\n'
        f'      - {{name: "{p.model_no_tools}", alias: "cli-{name}-notools"}}\n'
    )
    base = f'"{mock_url}{p.base_suffix}"'
    if p.section == "openai-compatibility":
        return (
            f"  - name: mockai\n    base-url: {base}\n"
            f'    api-key-entries: [{{api-key: "{p.api_key}"}}]\n    models:\n{models}'
        )
    return f'  - api-key: "{p.api_key}"\n    base-url: {base}\n    models:\n{models}'


def proxy_config(mock_url: str, port: int, auth_dir: str) -> str:
    sections = "".join(f"{p.section}:\n{_provider_entry(n, p, mock_url)}" for n, p in PROVIDERS.items())
    no_tools = ", ".join(f'{{name: "{p.model_no_tools}"}}' for p in PROVIDERS.values())
    return f"""# written by tests/cli/cli_support.py
host: 127.0.0.1
port: {port}
api-keys: ["{CLIENT_KEY}"]
auth-dir: "{auth_dir}"
request-retry: 0
{sections}# Codex CLI always declares tools, and with tools the mock answers with a tool call.
# The plain-text tests ask for cli-<provider>-notools, whose upstream body loses them.
payload:
  filter:
    - models: [{no_tools}]
      params: ["tools", "tool_choice", "toolConfig"]
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
