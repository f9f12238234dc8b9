"""Pytest fixtures that start the mock upstream as a separate process.

The binary comes from ``CPA_MOCK_BIN`` or ``CPA_BIN`` (``$CPA_BIN mock-upstream --port 0``);
without either the ``cpa-mock`` example is built with cargo and run instead. The port is read from the first
stdout line, ``mock-upstream listening on http://<addr>``. The fixtures never touch the
network beyond 127.0.0.1.
"""

from __future__ import annotations

import os
import pathlib
import select
import subprocess
import sys
import time

import httpx
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
PREFIX = "mock-upstream listening on "


def _mock_command() -> list[str]:
    # CPA_MOCK_BIN lets a run pair one proxy build with another mock build.
    binary = os.environ.get("CPA_MOCK_BIN") or os.environ.get("CPA_BIN")
    if binary:
        return [binary, "mock-upstream", "--port", "0"]
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    subprocess.run(
        ["cargo", "build", "-q", "-p", "cpa-mock", "--example", "mock_upstream"],
        cwd=REPO,
        check=True,
        env={**os.environ, "CARGO_TARGET_DIR": target},
    )
    return [str(pathlib.Path(target) / "debug" / "examples" / "mock_upstream"), "mock-upstream", "--port", "0"]


def _read_base_url(process: subprocess.Popen, timeout: float = 60.0) -> str:
    """Reads stdout until the ``listening on`` line (the mock prints it first)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(PREFIX):
            return line[len(PREFIX):].strip()
        seen.append(line)
    raise RuntimeError(f"mock upstream did not report its address; stdout was {seen!r}")


class Mock:
    """A running mock upstream: its base URL and its request log."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def requests(self, path: str | None = None) -> list[dict]:
        params = {"path": path} if path else None
        response = httpx.get(f"{self.base_url}/__mock/requests", params=params)
        response.raise_for_status()
        return response.json()

    def clear(self) -> None:
        httpx.delete(f"{self.base_url}/__mock/requests").raise_for_status()
        httpx.delete(f"{self.base_url}/__mock/script").raise_for_status()

    def script(self, match: str, steps: list[str]) -> None:
        httpx.post(f"{self.base_url}/__mock/script", json={"match": match, "steps": steps}).raise_for_status()


@pytest.fixture(scope="session")
def mock_server():
    """Starts one mock upstream process for the whole session."""
    process = subprocess.Popen(_mock_command(), stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    try:
        base_url = _read_base_url(process)
    except Exception:
        process.kill()
        raise
    try:
        yield Mock(base_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def mock(mock_server: Mock) -> Mock:
    """The session's mock upstream with an empty request log and no scripts."""
    mock_server.clear()
    return mock_server
