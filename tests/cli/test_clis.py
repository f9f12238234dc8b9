"""End-to-end: the real coding CLIs from npm → `cli-proxy-api` → the mock upstream.

Each CLI speaks its own API format and is routed to a provider of a different format:

* Claude Code (Anthropic Messages)  → Gemini provider   (`/v1beta/models/…:streamGenerateContent`)
* Codex CLI (OpenAI Responses)      → Claude provider   (`/v1/messages`)
* Gemini CLI (Gemini)               → Codex provider    (`/v1/responses`)

Every CLI runs non-interactively with a fresh HOME and a fresh working directory, and must
exit 0 and print the mock's deterministic reply. The mock's request log proves which
provider format the proxy really used. Two tests per CLI: a plain text turn (tools
switched off, so the mock answers ``Mock reply to: <last user text>``) and a tool round
trip (the mock calls the first declared tool, the CLI runs it locally and sends the result
back, the mock answers ``Tool result received: <result>``). docs/e2e-clis.md explains the
environment each CLI needs.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess

import pytest

from cli_support import (
    CLAUDE_MODEL,
    CLAUDE_MODEL_NO_TOOLS,
    CLIENT_KEY,
    CODEX_MODEL,
    GEMINI_MODEL,
    cli_path,
)

PROMPT = "hello proxy world"
TIMEOUT = 120


def run_cli(argv: list[str], home: pathlib.Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    """Runs a CLI with a minimal environment: fresh HOME, its own cwd, no inherited config."""
    workdir = home.parent / "work"
    workdir.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        **extra_env,
    }
    result = subprocess.run(
        argv,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return result


def describe(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr[-4000:]}"


def assert_plain_reply(result: subprocess.CompletedProcess) -> None:
    """The mock echoes the whole last user turn; every CLI puts its own context before the prompt."""
    assert result.returncode == 0, describe(result)
    out = result.stdout.strip()
    assert out.startswith("Mock reply to: "), describe(result)
    assert out.endswith(PROMPT), describe(result)


def assert_tool_reply(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, describe(result)
    assert result.stdout.strip().startswith("Tool result received: "), describe(result)


# --- Claude Code → Gemini provider -----------------------------------------------------


def claude_env(proxy, **extra: str) -> dict[str, str]:
    return {
        "ANTHROPIC_BASE_URL": proxy.base_url,
        "ANTHROPIC_API_KEY": CLIENT_KEY,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        # Side tasks (titles, summaries, ...) use the small/fast model: route it too.
        "ANTHROPIC_SMALL_FAST_MODEL": "cli-gemini",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "cli-gemini",
        # Claude Code 2.1.330 puts its environment block in a mid-conversation
        # {"role": "system"} message unless the model lacks `mid_conv_system`; the proxy
        # rejects that role today (see test_claude_code_mid_conversation_system).
        "CLAUDE_CODE_MODEL_CAPABILITIES": "-mid_conv_system",
        **extra,
    }


def claude_argv(tools: str) -> list[str]:
    return [cli_path("claude"), "-p", PROMPT, "--model", "cli-gemini", "--tools", tools]


def gemini_requests(upstream) -> list[dict]:
    seen = upstream.requests()
    assert seen, "the mock saw no request"
    for r in seen:
        assert r["path"] == f"/v1beta/models/{GEMINI_MODEL}:streamGenerateContent", r["path"]
        assert r["headers"].get("x-goog-api-key") == "gm-cli-e2e", r["headers"]
        assert "contents" in r["body"] and "messages" not in r["body"]
    return seen


def gemini_function_names(body: dict) -> list[str]:
    return [d["name"] for t in body.get("tools", []) for d in t.get("functionDeclarations", [])]


def test_claude_code_to_gemini(proxy, upstream, tmp_path):
    result = run_cli(claude_argv(""), tmp_path / "home", claude_env(proxy))
    assert_plain_reply(result)
    seen = gemini_requests(upstream)
    assert len(seen) == 1, [r["path"] for r in seen]
    body = seen[0]["body"]
    assert gemini_function_names(body) == []
    assert body["contents"][-1]["role"] == "user"
    assert PROMPT in body["contents"][-1]["parts"][-1]["text"]


def test_claude_code_tool_round_trip_via_gemini(proxy, upstream, tmp_path):
    # The mock calls Read with every string argument set to the user text; Claude Code
    # refuses those arguments and returns the error as the tool result.
    result = run_cli(claude_argv("Read"), tmp_path / "home", claude_env(proxy))
    assert_tool_reply(result)
    first, second = gemini_requests(upstream)
    assert gemini_function_names(first["body"]) == ["Read"]
    parts = [p for c in second["body"]["contents"] for p in c["parts"]]
    call = next(p["functionCall"] for p in parts if "functionCall" in p)
    response = next(p["functionResponse"] for p in parts if "functionResponse" in p)
    assert call["name"] == response["name"] == "Read"


@pytest.mark.xfail(
    strict=True,
    reason=(
        "proxy bug: Claude Code 2.1.330 sends a mid-conversation "
        '{"role":"system"} message (beta mid-conversation-system-2026-04-07) and '
        "cpa-translate answers 400 'invalid value at messages[1].role: unknown role "
        '"system"\', which Claude Code does not recognise as a refusal, so it gives up'
    ),
)
def test_claude_code_mid_conversation_system(proxy, upstream, tmp_path):
    env = claude_env(proxy)
    del env["CLAUDE_CODE_MODEL_CAPABILITIES"]
    result = run_cli(claude_argv(""), tmp_path / "home", env)
    assert_plain_reply(result)
    gemini_requests(upstream)


# --- Codex CLI → Claude provider -------------------------------------------------------


def codex_home(home: pathlib.Path, proxy, model: str, *, websockets: bool = False) -> dict[str, str]:
    """Writes $CODEX_HOME/config.toml and returns the CLI's environment."""
    codex = home / ".codex"
    codex.mkdir(parents=True)
    (codex / "config.toml").write_text(
        f"""model = "{model}"
model_provider = "cpa"
# Keep the run on 127.0.0.1: no release check (api.github.com), no OTLP metrics
# (ab.chatgpt.com), no curated-plugin / apps listing (chatgpt.com, github.com).
check_for_update_on_startup = false

[analytics]
enabled = false

[features]
plugins = false
remote_plugin = false
apps = false

[model_providers.cpa]
name = "cli-proxy-api"
base_url = "{proxy.base_url}/v1"
wire_api = "responses"
env_key = "CPA_CLIENT_KEY"
supports_websockets = {"true" if websockets else "false"}
"""
    )
    return {"CODEX_HOME": str(codex), "CPA_CLIENT_KEY": CLIENT_KEY}


def codex_argv(*extra: str) -> list[str]:
    return [cli_path("codex"), "exec", "--skip-git-repo-check", *extra, PROMPT]


def claude_requests(upstream, model: str) -> list[dict]:
    seen = upstream.requests()
    assert seen, "the mock saw no request"
    for r in seen:
        assert r["path"] == "/v1/messages", r["path"]
        key = r["headers"].get("x-api-key") or r["headers"].get("authorization", "").removeprefix("Bearer ")
        assert key == "sk-ant-cli-e2e", r["headers"]
        assert r["body"]["model"] == model
        assert "messages" in r["body"] and "input" not in r["body"]
    return seen


def test_codex_to_claude(proxy, upstream, tmp_path):
    home = tmp_path / "home"
    env = codex_home(home, proxy, "cli-claude-notools")
    result = run_cli(codex_argv(), home, env)
    assert_plain_reply(result)
    seen = claude_requests(upstream, CLAUDE_MODEL_NO_TOOLS)
    assert len(seen) == 1
    body = seen[0]["body"]
    assert "tools" not in body
    assert body["messages"][-1]["role"] == "user"
    assert PROMPT in json.dumps(body["messages"][-1]["content"])


def test_codex_tool_round_trip_via_claude(proxy, upstream, tmp_path):
    # Without the shell tools the first declared tool is request_user_input, which
    # `codex exec` answers itself with a fixed refusal.
    home = tmp_path / "home"
    env = codex_home(home, proxy, "cli-claude")
    argv = codex_argv(
        "--disable",
        "shell_tool",
        "--disable",
        "unified_exec",
        "--disable",
        "goals",
        "-c",
        "tools.view_image=false",
    )
    result = run_cli(argv, home, env)
    assert_tool_reply(result)
    assert result.stdout.strip() == "Tool result received: request_user_input is unavailable in Default mode"
    first, second = claude_requests(upstream, CLAUDE_MODEL)
    assert first["body"]["tools"][0]["name"] == "request_user_input"
    blocks = [b for m in second["body"]["messages"] for b in m["content"] if isinstance(b, dict)]
    use = next(b for b in blocks if b["type"] == "tool_use")
    tool_result = next(b for b in blocks if b["type"] == "tool_result")
    assert use["name"] == "request_user_input"
    assert tool_result["tool_use_id"] == use["id"]


def test_codex_websocket_falls_back_to_http(proxy, upstream, tmp_path):
    # With supports_websockets the CLI first tries GET /v1/responses as a websocket
    # upgrade; the proxy answers 426 and Codex retries over HTTP POST at once.
    home = tmp_path / "home"
    env = codex_home(home, proxy, "cli-claude-notools", websockets=True)
    log_before = len(proxy.log())
    result = run_cli(codex_argv(), home, env)
    assert_plain_reply(result)
    claude_requests(upstream, CLAUDE_MODEL_NO_TOOLS)
    log = proxy.log()[log_before:]
    handled = re.findall(r'status=(\d+) method=(\w+) path="/v1/responses"', log)
    assert ("426", "GET") in handled, log
    assert ("200", "POST") in handled, log
    assert handled.index(("426", "GET")) < handled.index(("200", "POST")), handled


# --- Gemini CLI → Codex (Responses) provider -------------------------------------------

GEMINI_CLI_TOOLS = [
    "update_topic",
    "list_directory",
    "read_file",
    "grep_search",
    "glob",
    "google_web_search",
    "enter_plan_mode",
    "invoke_agent",
]


def gemini_home(home: pathlib.Path, *, tools: bool) -> None:
    settings = {
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "general": {"disableAutoUpdate": True, "disableUpdateNag": True},
        "privacy": {"usageStatisticsEnabled": False},
        "telemetry": {"enabled": False},
    }
    if not tools:
        settings["tools"] = {"exclude": GEMINI_CLI_TOOLS}
    (home / ".gemini").mkdir(parents=True)
    (home / ".gemini" / "settings.json").write_text(json.dumps(settings, indent=2))


def gemini_env(proxy) -> dict[str, str]:
    return {
        "GOOGLE_GEMINI_BASE_URL": proxy.base_url,
        "GEMINI_API_KEY": CLIENT_KEY,
        "GEMINI_CLI_TRUST_WORKSPACE": "true",
    }


def gemini_argv() -> list[str]:
    return [cli_path("gemini"), "-p", PROMPT, "-m", "cli-codex"]


def responses_requests(upstream) -> list[dict]:
    seen = upstream.requests()
    assert seen, "the mock saw no request"
    for r in seen:
        assert r["path"] == "/v1/responses", r["path"]
        assert r["headers"].get("authorization") == "Bearer cx-cli-e2e", r["headers"]
        assert r["body"]["model"] == CODEX_MODEL
        assert "input" in r["body"] and "contents" not in r["body"]
    return seen


def test_gemini_cli_to_codex(proxy, upstream, tmp_path):
    home = tmp_path / "home"
    gemini_home(home, tools=False)
    result = run_cli(gemini_argv(), home, gemini_env(proxy))
    assert_plain_reply(result)
    seen = responses_requests(upstream)
    assert len(seen) == 1
    body = seen[0]["body"]
    assert body.get("tools", []) == []
    assert PROMPT in json.dumps(body["input"][-1])


def test_gemini_cli_tool_round_trip_via_codex(proxy, upstream, tmp_path):
    # The first declared tool is update_topic; Gemini CLI runs it and sends its output.
    home = tmp_path / "home"
    gemini_home(home, tools=True)
    result = run_cli(gemini_argv(), home, gemini_env(proxy))
    assert_tool_reply(result)
    first, second = responses_requests(upstream)
    assert first["body"]["tools"][0]["name"] == GEMINI_CLI_TOOLS[0]
    items = second["body"]["input"]
    call = next(i for i in items if i.get("type") == "function_call")
    output = next(i for i in items if i.get("type") == "function_call_output")
    assert call["name"] == GEMINI_CLI_TOOLS[0]
    assert output["call_id"] == call["call_id"]
