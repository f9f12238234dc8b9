"""Fixtures for the coding-CLI end-to-end tests: one mock upstream and one proxy per session.

The binary comes from ``CPA_BIN`` (``$CPA_BIN mock-upstream --port 0`` for the mock,
``$CPA_BIN --config FILE`` for the proxy). The CLIs come from ``tests/cli/node_modules``
(``npm ci`` in this directory; ``tests/cli/run.sh`` does both). Nothing here talks to
anything but 127.0.0.1.
"""

from __future__ import annotations

import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

import httpx
import pytest

from cli_support import (
    MOCK_PREFIX,
    Mock,
    Proxy,
    cpa_binary,
    free_port,
    proxy_config,
    stop_process,
)


@pytest.fixture(scope="session")
def mock_server():
    process = subprocess.Popen(
        [cpa_binary(), "mock-upstream", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline() if ready else ""
        if not line.startswith(MOCK_PREFIX):
            raise RuntimeError(f"mock upstream did not report its address: {line!r}")
        yield Mock(line[len(MOCK_PREFIX) :].strip())
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def proxy(mock_server: Mock):
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="cpa-cli-e2e-"))
    port = free_port()
    config = workdir / "config.yaml"
    config.write_text(proxy_config(mock_server.base_url, port, str(workdir / "auth")))
    log_path = workdir / "proxy.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([cpa_binary(), "--config", str(config)], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(base + "/").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            stop_process(process)
            raise RuntimeError(f"proxy did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.1)
    try:
        yield Proxy(base, log_path)
    finally:
        stop_process(process)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def upstream(mock_server: Mock) -> Mock:
    """The session's mock with an empty request log."""
    mock_server.clear()
    return mock_server
