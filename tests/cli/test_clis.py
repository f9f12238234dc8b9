"""End-to-end: the real coding CLIs from npm → `cli-proxy-api` → the mock upstream.

Each CLI speaks its own API format; the proxy routes it to every provider format:

* Claude Code (Anthropic Messages), main pairing: → Gemini provider
* Codex CLI (OpenAI Responses), main pairing:      → Claude provider
* Gemini CLI (Gemini),           main pairing:      → Codex (Responses) provider

and each also runs against the other providers (Claude, Gemini, Vertex, Codex,
OpenAI-compatible), the same-format one included. Every CLI runs non-interactively with a
fresh HOME and working directory and must exit 0 and print the mock's deterministic reply;
the mock's request log proves which provider format the proxy really used. Two tests per
pair: a plain text turn (no tools reach the mock, so it answers
``Mock reply to: <last user text>``) and a tool round trip (the mock calls the first
declared tool, the CLI runs it locally and sends the result back, the mock answers
``Tool result received: <result>``). docs/e2e-clis.md explains what each CLI needs.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess

import pytest

from cli_support import CLIENT_KEY, PROVIDERS, Provider, cli_path

PROMPT = "hello proxy world"
TIMEOUT = 120
ALL = list(PROVIDERS)


def run_cli(argv: list[str], home: pathlib.Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    """Runs a CLI with a minimal environment: fresh HOME, its own cwd, no inherited config."""
    workdir = home.parent / "work"
    workdir.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
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
    return subprocess.run(
        argv,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


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


# --- what the mock saw -------------------------------------------------------------------


def upstream_requests(upstream, provider: str, model: str) -> list[dict]:
    """Every request the mock saw, checked to be in `provider`'s format for `model`."""
    p: Provider = PROVIDERS[provider]
    seen = upstream.requests()
    assert seen, "the mock saw no request"
    for r in seen:
        assert r["path"] == p.path.format(model=model), r["path"]
        headers = r["headers"]
        key = (
            headers.get("x-api-key")
            or headers.get("x-goog-api-key")
            or headers.get("authorization", "").removeprefix("Bearer ")
        )
        assert key == p.api_key, headers
        body = r["body"]
        assert p.body_key in body, sorted(body)
        if provider in ("claude", "codex", "compat"):
            assert body["model"] == model
        if provider == "claude":
            assert "input" not in body
        if provider == "compat":
            assert all(m["role"] in ("system", "developer", "user", "assistant", "tool") for m in body["messages"])
        assert PROMPT in json.dumps(body)
    return seen


def declared_tools(provider: str, body: dict) -> list[str]:
    tools = body.get("tools") or []
    if provider in ("gemini", "vertex"):
        return [d["name"] for t in tools for d in t.get("functionDeclarations", [])]
    if provider == "compat":
        return [t["function"]["name"] for t in tools]
    return [t.get("name") for t in tools]


def call_and_result(provider: str, body: dict) -> tuple[str, str]:
    """The tool call the mock made and the name/id the tool result answers, from a replayed body."""
    if provider == "claude":
        blocks = [b for m in body["messages"] if isinstance(m["content"], list) for b in m["content"]]
        use = next(b for b in blocks if b["type"] == "tool_use")
        result = next(b for b in blocks if b["type"] == "tool_result")
        assert result["tool_use_id"] == use["id"]
        return use["name"], use["id"]
    if provider in ("gemini", "vertex"):
        parts = [p for c in body["contents"] for p in c["parts"]]
        call = next(p["functionCall"] for p in parts if "functionCall" in p)
        response = next(p["functionResponse"] for p in parts if "functionResponse" in p)
        assert response["name"] == call["name"]
        return call["name"], response["name"]
    if provider == "codex":
        call = next(i for i in body["input"] if i.get("type") == "function_call")
        output = next(i for i in body["input"] if i.get("type") == "function_call_output")
        assert output["call_id"] == call["call_id"]
        return call["name"], call["call_id"]
    assistant = next(m for m in body["messages"] if m.get("tool_calls"))
    call = assistant["tool_calls"][0]
    tool = next(m for m in body["messages"] if m["role"] == "tool")
    assert tool["tool_call_id"] == call["id"]
    return call["function"]["name"], call["id"]


def assert_tool_round_trip(upstream, provider: str, first_tool: str) -> None:
    model = PROVIDERS[provider].model
    first, second = upstream_requests(upstream, provider, model)
    assert declared_tools(provider, first["body"])[0] == first_tool
    name, _ = call_and_result(provider, second["body"])
    assert name == first_tool


# --- Claude Code -------------------------------------------------------------------------


def claude_env(proxy, alias: str, **extra: str) -> dict[str, str]:
    return {
        "ANTHROPIC_BASE_URL": proxy.base_url,
        "ANTHROPIC_API_KEY": CLIENT_KEY,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        # Side tasks (titles, summaries, ...) use the small/fast model: route it too.
        "ANTHROPIC_SMALL_FAST_MODEL": alias,
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": alias,
        # Claude Code 2.1.330 puts its environment block in a mid-conversation
        # {"role": "system"} message unless the model lacks `mid_conv_system`; the proxy
        # rejects that role today (see test_claude_code_mid_conversation_system).
        "CLAUDE_CODE_MODEL_CAPABILITIES": "-mid_conv_system",
        **extra,
    }


def claude_argv(alias: str, tools: str) -> list[str]:
    return [cli_path("claude"), "-p", PROMPT, "--model", alias, "--tools", tools]


@pytest.mark.parametrize("provider", ALL)
def test_claude_code_plain(proxy, upstream, tmp_path, provider):
    alias = f"cli-{provider}"
    result = run_cli(claude_argv(alias, ""), tmp_path / "home", claude_env(proxy, alias))
    assert_plain_reply(result)
    seen = upstream_requests(upstream, provider, PROVIDERS[provider].model)
    assert len(seen) == 1, [r["path"] for r in seen]
    assert declared_tools(provider, seen[0]["body"]) == []


@pytest.mark.parametrize("provider", ALL)
def test_claude_code_tool_round_trip(proxy, upstream, tmp_path, provider):
    # The mock calls Read with every string argument set to the user text; Claude Code
    # refuses those arguments and returns the error as the tool result.
    alias = f"cli-{provider}"
    result = run_cli(claude_argv(alias, "Read"), tmp_path / "home", claude_env(proxy, alias))
    assert_tool_reply(result)
    assert_tool_round_trip(upstream, provider, "Read")


@pytest.mark.parametrize("provider", ALL)
def test_claude_code_mid_conversation_system(proxy, upstream, tmp_path, provider):
    """Claude Code's default request shape, without CLAUDE_CODE_MODEL_CAPABILITIES.

    Claude Code 2.1.330 sends its environment block as a mid-conversation
    ``{"role": "system"}`` message (beta mid-conversation-system-2026-04-07). Through the
    Claude provider the mock refuses the role like Anthropic does ("Input should be 'user'
    or 'assistant'") and Claude Code resends without system turns. For the other providers
    the translator moves the message's text into the system prompt.
    """
    alias = f"cli-{provider}"
    env = claude_env(proxy, alias)
    del env["CLAUDE_CODE_MODEL_CAPABILITIES"]
    result = run_cli(claude_argv(alias, ""), tmp_path / "home", env)
    assert_plain_reply(result)
    upstream_requests(upstream, provider, PROVIDERS[provider].model)


# --- Codex CLI ---------------------------------------------------------------------------


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


@pytest.mark.parametrize("provider", ALL)
def test_codex_plain(proxy, upstream, tmp_path, provider):
    # Codex always declares tools; the -notools alias's upstream body loses them (payload filter).
    home = tmp_path / "home"
    env = codex_home(home, proxy, f"cli-{provider}-notools")
    result = run_cli(codex_argv(), home, env)
    assert_plain_reply(result)
    seen = upstream_requests(upstream, provider, PROVIDERS[provider].model_no_tools)
    assert len(seen) == 1
    assert declared_tools(provider, seen[0]["body"]) == []


@pytest.mark.parametrize("provider", ALL)
def test_codex_tool_round_trip(proxy, upstream, tmp_path, provider):
    # Without the shell tools the first declared tool is request_user_input, which
    # `codex exec` answers itself with a fixed refusal.
    home = tmp_path / "home"
    env = codex_home(home, proxy, f"cli-{provider}")
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
    assert_tool_round_trip(upstream, provider, "request_user_input")


def test_codex_websocket_falls_back_to_http(proxy, upstream, tmp_path):
    # With supports_websockets the CLI first tries GET /v1/responses as a websocket
    # upgrade; the proxy answers 426 and Codex retries over HTTP POST at once.
    home = tmp_path / "home"
    env = codex_home(home, proxy, "cli-claude-notools", websockets=True)
    log_before = len(proxy.log())
    result = run_cli(codex_argv(), home, env)
    assert_plain_reply(result)
    upstream_requests(upstream, "claude", PROVIDERS["claude"].model_no_tools)
    log = proxy.log()[log_before:]
    handled = re.findall(r'status=(\d+) method=(\w+) path="/v1/responses"', log)
    assert ("426", "GET") in handled, log
    assert ("200", "POST") in handled, log
    assert handled.index(("426", "GET")) < handled.index(("200", "POST")), handled


# --- Gemini CLI --------------------------------------------------------------------------

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


def gemini_argv(alias: str) -> list[str]:
    return [cli_path("gemini"), "-p", PROMPT, "-m", alias]


@pytest.mark.parametrize("provider", ALL)
def test_gemini_cli_plain(proxy, upstream, tmp_path, provider):
    home = tmp_path / "home"
    gemini_home(home, tools=False)
    result = run_cli(gemini_argv(f"cli-{provider}"), home, gemini_env(proxy))
    assert_plain_reply(result)
    seen = upstream_requests(upstream, provider, PROVIDERS[provider].model)
    assert len(seen) == 1
    assert declared_tools(provider, seen[0]["body"]) == []


@pytest.mark.parametrize("provider", ALL)
def test_gemini_cli_tool_round_trip(proxy, upstream, tmp_path, provider):
    # The first declared tool is update_topic; Gemini CLI runs it and sends its output.
    home = tmp_path / "home"
    gemini_home(home, tools=True)
    result = run_cli(gemini_argv(f"cli-{provider}"), home, gemini_env(proxy))
    assert_tool_reply(result)
    assert_tool_round_trip(upstream, provider, GEMINI_CLI_TOOLS[0])
