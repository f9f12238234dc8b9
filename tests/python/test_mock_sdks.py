"""The official OpenAI, Anthropic and Google GenAI SDKs talk to the mock upstream directly.

If an SDK can parse what the mock sends (bodies, SSE events, errors), the mock is faithful
enough to stand in for the real service in proxy tests. Usage numbers follow the mock's
rule: a token is a whitespace-separated word.
"""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def openai_client(mock, key: str = "sk-test") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{mock.base_url}/v1", api_key=key, max_retries=0)


def anthropic_client(mock, key: str = "sk-ant-test") -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=mock.base_url, api_key=key, max_retries=0)


def genai_client(mock, key: str = "g-test") -> genai.Client:
    return genai.Client(api_key=key, http_options=types.HttpOptions(base_url=mock.base_url))


# --- OpenAI Chat Completions -------------------------------------------------------------


def test_openai_chat_returns_echo_and_usage(mock):
    completion = openai_client(mock).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello from python"}]
    )
    assert completion.choices[0].message.content == "Mock reply to: hello from python"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == 3
    assert completion.usage.completion_tokens == 6
    recorded = mock.requests("/v1/chat/completions")
    assert recorded[0]["headers"]["authorization"] == "Bearer sk-test"
    assert recorded[0]["body"]["model"] == "gpt-4o"


def test_openai_chat_stream_with_usage(mock):
    stream = openai_client(mock).chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "stream this text"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Mock reply to: stream this text"
    assert chunks[-1].choices == []
    assert chunks[-1].usage.total_tokens == 3 + 6


def test_openai_chat_tool_call_round_trip(mock):
    client = openai_client(mock)
    first = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Paris"}], tools=[WEATHER_TOOL]
    )
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city":"Paris"}'
    second = client.chat.completions.create(
        model="gpt-4o",
        tools=[WEATHER_TOOL],
        messages=[
            {"role": "user", "content": "Paris"},
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
        ],
    )
    assert second.choices[0].message.content == "Tool result received: sunny"


def test_openai_errors_are_typed_by_the_sdk(mock):
    with pytest.raises(openai.RateLimitError) as caught:
        openai_client(mock).chat.completions.create(
            model="gpt-fail-429-4", messages=[{"role": "user", "content": "x"}]
        )
    assert caught.value.response.headers["retry-after"] == "4"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client(mock).chat.completions.create(
            model="gpt-4o", messages=[{"role": "tool", "tool_call_id": "nope", "content": "x"}]
        )
    assert "role 'tool'" in caught.value.message


# --- OpenAI Responses ---------------------------------------------------------------------


def test_openai_responses_create(mock):
    response = openai_client(mock).responses.create(model="gpt-5", input="hi responses")
    assert response.output_text == "Mock reply to: hi responses"
    assert response.usage.input_tokens == 2
    assert response.status == "completed"


def test_openai_responses_stream(mock):
    client = openai_client(mock)
    with client.responses.stream(model="gpt-5", input="stream the response") as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == "Mock reply to: stream the response"
    assert final.output_text == "".join(deltas)


def test_openai_responses_function_call(mock):
    tool = {"type": "function", "name": "lookup", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}
    response = openai_client(mock).responses.create(model="gpt-5", input="cats", tools=[tool])
    call = response.output[0]
    assert call.type == "function_call"
    assert call.name == "lookup"
    assert call.arguments == '{"q":"cats"}'


# --- Anthropic Messages -------------------------------------------------------------------


def test_anthropic_messages_create(mock):
    message = anthropic_client(mock).messages.create(
        model="claude-sonnet-4-5", max_tokens=100, messages=[{"role": "user", "content": "hello claude"}]
    )
    assert message.content[0].text == "Mock reply to: hello claude"
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 2
    headers = mock.requests("/v1/messages")[0]["headers"]
    assert headers["x-api-key"] == "sk-ant-test"
    assert "anthropic-version" in headers


def test_anthropic_messages_stream_with_thinking(mock):
    with anthropic_client(mock).messages.stream(
        model="claude-sonnet-4-5",
        max_tokens=2048,
        thinking={"type": "enabled", "budget_tokens": 1024},
        messages=[{"role": "user", "content": "think then answer"}],
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Mock reply to: think then answer"
    assert final.content[0].type == "thinking"
    assert final.content[0].signature
    assert final.usage.output_tokens > 0


def test_anthropic_tool_use(mock):
    tool = {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
    message = anthropic_client(mock).messages.create(
        model="claude-sonnet-4-5", max_tokens=100, tools=[tool],
        messages=[{"role": "user", "content": "Rome"}],
    )
    block = message.content[0]
    assert message.stop_reason == "tool_use"
    assert block.type == "tool_use"
    assert block.input == {"city": "Rome"}


def test_anthropic_count_tokens_and_errors(mock):
    client = anthropic_client(mock)
    count = client.messages.count_tokens(
        model="claude-sonnet-4-5", messages=[{"role": "user", "content": "one two three"}]
    )
    assert count.input_tokens == 3
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(
            model="claude-sonnet-4-5", max_tokens=10,
            messages=[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
        )
    assert "alternate" in caught.value.message
    with pytest.raises(anthropic.OverloadedError):
        client.messages.create(
            model="claude-fail-529", max_tokens=10, messages=[{"role": "user", "content": "a"}]
        )


# --- Google GenAI -------------------------------------------------------------------------


def test_genai_generate_content(mock):
    client = genai_client(mock)
    response = client.models.generate_content(model="gemini-2.5-flash", contents="hello gemini")
    assert response.text == "Mock reply to: hello gemini"
    assert response.usage_metadata.prompt_token_count == 2
    assert response.usage_metadata.total_token_count == 2 + 5
    recorded = mock.requests(":generateContent")[0]
    assert recorded["headers"]["x-goog-api-key"] == "g-test"


def test_genai_generate_content_stream(mock):
    client = genai_client(mock)
    chunks = list(client.models.generate_content_stream(model="gemini-2.5-flash", contents="stream gemini now"))
    assert len(chunks) > 1
    assert "".join(c.text or "" for c in chunks) == "Mock reply to: stream gemini now"
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert mock.requests(":streamGenerateContent")[0]["query"] == "alt=sse"


def test_genai_count_tokens(mock):
    client = genai_client(mock)
    result = client.models.count_tokens(model="gemini-2.5-flash", contents="four words right here")
    assert result.total_tokens == 4


def test_genai_function_call(mock):
    declaration = types.FunctionDeclaration(
        name="get_time",
        parameters=types.Schema(type=types.Type.OBJECT, properties={"zone": types.Schema(type=types.Type.STRING)}),
    )
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[declaration])],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    client = genai_client(mock)
    response = client.models.generate_content(model="gemini-2.5-flash", contents="UTC", config=config)
    call = response.function_calls[0]
    assert call.name == "get_time"
    assert call.args == {"zone": "UTC"}


def test_genai_rejects_json_schema_keywords_in_parameters(mock):
    declaration = {
        "name": "f",
        "parameters": {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}},
    }
    body = {
        "contents": [{"role": "user", "parts": [{"text": "x"}]}],
        "tools": [{"functionDeclarations": [{**declaration, "parameters": {**declaration["parameters"], "additionalProperties": False}}]}],
    }
    response = httpx.post(
        f"{mock.base_url}/v1beta/models/gemini-2.5-flash:generateContent", json=body, headers={"x-goog-api-key": "k"}
    )
    assert response.status_code == 400
    assert 'Unknown name "additionalProperties"' in response.json()["error"]["message"]


def test_genai_rate_limit_error(mock):
    client = genai_client(mock, key="g-fail-429-2")
    with pytest.raises(genai_errors.ClientError) as caught:
        client.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert caught.value.code == 429
    assert caught.value.status == "RESOURCE_EXHAUSTED"


# --- Failure injection seen through the SDKs ---------------------------------------------


def test_scripted_rate_limit_is_retried_by_the_sdk(mock):
    mock.script("sk-scripted", ["fail-429-0", "ok"])
    client = openai.OpenAI(base_url=f"{mock.base_url}/v1", api_key="sk-scripted", max_retries=1)
    completion = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "retry me"}])
    assert completion.choices[0].message.content == "Mock reply to: retry me"
    assert len(mock.requests("/v1/chat/completions")) == 2


def test_drop_mid_stream_breaks_the_sdk_stream(mock):
    client = anthropic_client(mock)
    received = []
    with pytest.raises((anthropic.APIConnectionError, httpx.HTTPError)):
        with client.messages.stream(
            model="claude-drop-mid-stream", max_tokens=100,
            messages=[{"role": "user", "content": "this stream will break half way through"}],
        ) as stream:
            for text in stream.text_stream:
                received.append(text)
    assert "".join(received).startswith("Mock reply")
