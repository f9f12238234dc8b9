"""End-to-end: the official SDKs talk to the real `cli-proxy-api` binary, which talks to the
mock upstream through every API-key provider type.

Every client format (OpenAI Chat, OpenAI Responses, Anthropic Messages, Gemini) runs against
every provider format (Claude, Gemini, Vertex, Codex, OpenAI-compatible), so each
client × provider translation pair is exercised over real HTTP, streamed and not.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import types as gtypes

CLIENT_KEY = "sk-e2e-client"

# alias -> (provider section, upstream model)
PROVIDERS = {
    "e2e-claude": "claude",
    "e2e-gemini": "gemini",
    "e2e-vertex": "vertex",
    "e2e-codex": "codex",
    "e2e-compat": "openai-compatibility",
}
ALIASES = list(PROVIDERS)

PROMPT = "hello proxy world"
EXPECTED_REPLY = f"Mock reply to: {PROMPT}"

WEATHER_TOOL_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "description": "City name"}},
    "required": ["city"],
}

# A 1x1 transparent PNG.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _config(mock_url: str, port: int, auth_dir: str) -> str:
    return f"""# e2e config written by tests/python/test_proxy_sdks.py
host: 127.0.0.1
port: {port}
api-keys: ["{CLIENT_KEY}"]
auth-dir: "{auth_dir}"
request-retry: 0
claude-api-key:
  - api-key: "sk-ant-e2e"
    base-url: "{mock_url}"
    models: [{{name: "claude-sonnet-4-5-20250929", alias: "e2e-claude"}}]
gemini-api-key:
  - api-key: "gm-e2e"
    base-url: "{mock_url}"
    models: [{{name: "gemini-2.5-pro", alias: "e2e-gemini"}}]
vertex-api-key:
  - api-key: "vx-e2e"
    base-url: "{mock_url}"
    models: [{{name: "gemini-2.5-flash", alias: "e2e-vertex"}}]
codex-api-key:
  - api-key: "cx-e2e"
    base-url: "{mock_url}/v1"
    models: [{{name: "gpt-5", alias: "e2e-codex"}}]
openai-compatibility:
  - name: mockai
    base-url: "{mock_url}/v1"
    api-key-entries: [{{api-key: "oa-e2e"}}]
    models: [{{name: "gpt-4o-mini", alias: "e2e-compat"}}]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(mock_server):
    binary = os.environ.get("CPA_BIN")
    if not binary:
        pytest.skip("CPA_BIN is not set (run through scripts/test.sh)")
    workdir = tempfile.mkdtemp(prefix="cpa-e2e-")
    port = _free_port()
    config = os.path.join(workdir, "config.yaml")
    with open(config, "w") as f:
        f.write(_config(mock_server.base_url, port, os.path.join(workdir, "auth")))
    process = subprocess.Popen([binary, "--config", config], stdout=sys.stderr, stderr=sys.stderr)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("proxy did not start")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
def upstream(mock_server):
    mock_server.clear()
    return mock_server


def _openai(base: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base + "/v1", api_key=CLIENT_KEY, max_retries=0)


def _anthropic(base: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=base, api_key=CLIENT_KEY, max_retries=0)


def _genai(base: str) -> genai.Client:
    return genai.Client(api_key=CLIENT_KEY, http_options=gtypes.HttpOptions(base_url=base))


def _text_of(message) -> str:
    """The text blocks of an Anthropic message (thinking blocks may precede them)."""
    return "".join(block.text for block in message.content if block.type == "text")


def _words_sent_upstream(upstream) -> int:
    """The mock counts a token per whitespace-separated word of every text it received."""
    requests = [r for r in upstream.requests() if not r["path"].startswith("/__mock")]
    assert requests, "the mock saw no request"
    body = requests[-1]["body"]
    words = 0

    def walk(value, key=None):
        nonlocal words
        if isinstance(value, str):
            if key in {"text", "content", "instructions", "input", "system"}:
                words += len(value.split())
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k in {"tools", "functionDeclarations", "thinking", "reasoning"}:
                    continue
                walk(v, k)

    walk(body.get("request", body))
    return words


# --- OpenAI Chat Completions -------------------------------------------------------


@pytest.mark.parametrize("model", ALIASES)
def test_openai_chat_plain(proxy, upstream, model):
    reply = _openai(proxy).chat.completions.create(
        model=model, messages=[{"role": "user", "content": PROMPT}]
    )
    assert reply.choices[0].message.content == EXPECTED_REPLY
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.completion_tokens >= len(EXPECTED_REPLY.split())
    assert reply.usage.prompt_tokens == _words_sent_upstream(upstream)


@pytest.mark.parametrize("model", ALIASES)
def test_openai_chat_stream(proxy, upstream, model):
    stream = _openai(proxy).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": PROMPT}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text, usage, finish = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    assert text == EXPECTED_REPLY
    assert finish == "stop"
    assert usage is not None and usage.prompt_tokens == _words_sent_upstream(upstream)


@pytest.mark.parametrize("model", ALIASES)
def test_openai_chat_tool_round_trip(proxy, upstream, model):
    client = _openai(proxy)
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": WEATHER_TOOL_SCHEMA}}]
    messages = [{"role": "user", "content": "weather in Paris"}]
    first = client.chat.completions.create(model=model, messages=messages, tools=tools)
    calls = first.choices[0].message.tool_calls
    assert first.choices[0].finish_reason == "tool_calls"
    assert len(calls) == 1 and calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments)["city"]
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": "sunny 21C"})
    second = client.chat.completions.create(model=model, messages=messages, tools=tools)
    assert "sunny 21C" in second.choices[0].message.content


@pytest.mark.parametrize("model", ALIASES)
def test_openai_chat_parallel_tool_calls_stream(proxy, upstream, model):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_TOOL_SCHEMA}}]
    stream = _openai(proxy).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "parallel weather in Paris and Rome"}],
        tools=tools,
        stream=True,
    )
    calls: dict[int, dict] = {}
    for chunk in stream:
        for choice in chunk.choices:
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(delta.index, {"id": None, "name": "", "args": ""})
                call["id"] = delta.id or call["id"]
                if delta.function:
                    call["name"] += delta.function.name or ""
                    call["args"] += delta.function.arguments or ""
    assert len(calls) == 2, calls
    assert len({c["id"] for c in calls.values()}) == 2
    for call in calls.values():
        assert call["name"] == "get_weather"
        json.loads(call["args"])


@pytest.mark.parametrize("model", ALIASES)
def test_openai_chat_image_input(proxy, upstream, model):
    data_url = "data:image/png;base64," + base64.b64encode(PNG_BYTES).decode()
    reply = _openai(proxy).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": [{"type": "text", "text": "describe"}, {"type": "image_url", "image_url": {"url": data_url}}]}],
    )
    assert f"[image image/png {len(PNG_BYTES)} bytes]" in reply.choices[0].message.content


# --- OpenAI Responses ---------------------------------------------------------------


@pytest.mark.parametrize("model", ALIASES)
def test_openai_responses_plain(proxy, upstream, model):
    response = _openai(proxy).responses.create(model=model, input=PROMPT)
    assert response.output_text == EXPECTED_REPLY
    assert response.usage.input_tokens == _words_sent_upstream(upstream)


@pytest.mark.parametrize("model", ALIASES)
def test_openai_responses_stream(proxy, upstream, model):
    text, completed = "", None
    with _openai(proxy).responses.stream(model=model, input=PROMPT) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                text += event.delta
            if event.type == "response.completed":
                completed = event.response
    assert text == EXPECTED_REPLY
    assert completed is not None and completed.output_text == EXPECTED_REPLY


@pytest.mark.parametrize("model", ALIASES)
def test_openai_responses_tool_round_trip(proxy, upstream, model):
    client = _openai(proxy)
    tools = [{"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL_SCHEMA}]
    first = client.responses.create(model=model, input="weather in Paris", tools=tools)
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather"
    second = client.responses.create(
        model=model,
        tools=tools,
        input=[
            {"role": "user", "content": "weather in Paris"},
            {"type": "function_call", "call_id": calls[0].call_id, "name": "get_weather", "arguments": calls[0].arguments},
            {"type": "function_call_output", "call_id": calls[0].call_id, "output": "sunny 21C"},
        ],
    )
    assert "sunny 21C" in second.output_text


# --- Anthropic Messages -------------------------------------------------------------


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_messages_plain(proxy, upstream, model):
    message = _anthropic(proxy).messages.create(
        model=model, max_tokens=256, messages=[{"role": "user", "content": PROMPT}]
    )
    assert _text_of(message) == EXPECTED_REPLY
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == _words_sent_upstream(upstream)


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_messages_stream(proxy, upstream, model):
    with _anthropic(proxy).messages.stream(
        model=model, max_tokens=256, messages=[{"role": "user", "content": PROMPT}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == EXPECTED_REPLY
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens >= len(EXPECTED_REPLY.split())


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_tool_round_trip(proxy, upstream, model):
    client = _anthropic(proxy)
    tools = [{"name": "get_weather", "description": "Weather", "input_schema": WEATHER_TOOL_SCHEMA}]
    messages = [{"role": "user", "content": "weather in Paris"}]
    first = client.messages.create(model=model, max_tokens=256, messages=messages, tools=tools)
    uses = [block for block in first.content if block.type == "tool_use"]
    assert first.stop_reason == "tool_use"
    assert len(uses) == 1 and uses[0].name == "get_weather"
    messages.append({"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]})
    messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "sunny 21C"}]})
    second = client.messages.create(model=model, max_tokens=256, messages=messages, tools=tools)
    assert "sunny 21C" in _text_of(second)


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_parallel_tool_calls(proxy, upstream, model):
    tools = [{"name": "get_weather", "input_schema": WEATHER_TOOL_SCHEMA}]
    message = _anthropic(proxy).messages.create(
        model=model, max_tokens=256, tools=tools,
        messages=[{"role": "user", "content": "parallel weather in Paris and Rome"}],
    )
    uses = [block for block in message.content if block.type == "tool_use"]
    assert len(uses) == 2 and len({u.id for u in uses}) == 2


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_image_input(proxy, upstream, model):
    message = _anthropic(proxy).messages.create(
        model=model, max_tokens=256,
        messages=[{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG_BYTES).decode()}},
            {"type": "text", "text": "describe"},
        ]}],
    )
    assert f"[image image/png {len(PNG_BYTES)} bytes]" in _text_of(message)


@pytest.mark.parametrize("model", ALIASES)
def test_anthropic_count_tokens(proxy, upstream, model):
    count = _anthropic(proxy).messages.count_tokens(model=model, messages=[{"role": "user", "content": PROMPT}])
    assert count.input_tokens > 0


# --- Gemini (google-genai) ----------------------------------------------------------


@pytest.mark.parametrize("model", ALIASES)
def test_genai_generate(proxy, upstream, model):
    client = _genai(proxy)
    response = client.models.generate_content(model=model, contents=PROMPT)
    assert response.text == EXPECTED_REPLY
    assert response.usage_metadata.prompt_token_count == _words_sent_upstream(upstream)


@pytest.mark.parametrize("model", ALIASES)
def test_genai_stream(proxy, upstream, model):
    client = _genai(proxy)
    chunks = list(client.models.generate_content_stream(model=model, contents=PROMPT))
    assert "".join(c.text or "" for c in chunks) == EXPECTED_REPLY


@pytest.mark.parametrize("model", ALIASES)
def test_genai_count_tokens(proxy, upstream, model):
    client = _genai(proxy)
    count = client.models.count_tokens(model=model, contents=PROMPT)
    assert count.total_tokens > 0


@pytest.mark.parametrize("model", ALIASES)
def test_genai_function_call_round_trip(proxy, upstream, model):
    client = _genai(proxy)
    tool = gtypes.Tool(function_declarations=[gtypes.FunctionDeclaration(
        name="get_weather", description="Weather",
        parameters=gtypes.Schema(type="OBJECT", properties={"city": gtypes.Schema(type="STRING")}, required=["city"]),
    )])
    config = gtypes.GenerateContentConfig(tools=[tool], automatic_function_calling=gtypes.AutomaticFunctionCallingConfig(disable=True))
    first = client.models.generate_content(model=model, contents="weather in Paris", config=config)
    calls = first.function_calls
    assert calls and calls[0].name == "get_weather"
    contents = [
        gtypes.Content(role="user", parts=[gtypes.Part(text="weather in Paris")]),
        first.candidates[0].content,
        gtypes.Content(role="user", parts=[gtypes.Part.from_function_response(name="get_weather", response={"result": "sunny 21C"})]),
    ]
    second = client.models.generate_content(model=model, contents=contents, config=config)
    assert "sunny 21C" in second.text


@pytest.mark.parametrize("model", ALIASES)
def test_genai_image_input(proxy, upstream, model):
    client = _genai(proxy)
    response = client.models.generate_content(
        model=model,
        contents=[gtypes.Part.from_bytes(data=PNG_BYTES, mime_type="image/png"), "describe"],
    )
    assert f"[image image/png {len(PNG_BYTES)} bytes]" in response.text


# --- Errors in the client's own shape ----------------------------------------------


def test_wrong_client_key_is_refused_in_each_sdk_shape(proxy):
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=proxy + "/v1", api_key="wrong", max_retries=0).chat.completions.create(
            model="e2e-claude", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=proxy, api_key="wrong", max_retries=0).messages.create(
            model="e2e-claude", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    wrong = genai.Client(api_key="wrong", http_options=gtypes.HttpOptions(base_url=proxy))
    with pytest.raises(genai.errors.ClientError) as info:
        wrong.models.generate_content(model="e2e-claude", contents="x")
    assert info.value.code == 401


def test_unknown_model_is_a_400_in_client_shape(proxy):
    with pytest.raises(openai.BadRequestError) as info:
        _openai(proxy).chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert "no-such-model" in str(info.value)
    with pytest.raises(anthropic.BadRequestError):
        _anthropic(proxy).messages.create(model="no-such-model", max_tokens=10, messages=[{"role": "user", "content": "x"}])


def test_models_listing_shows_configured_aliases(proxy):
    ids = {m.id for m in _openai(proxy).models.list()}
    assert set(ALIASES) <= ids
