use super::*;
use axum::http::{HeaderMap, Method};

fn format_of(method: Method, path: &str) -> ClientFormat {
    ClientFormat::for_request(&method, path, &HeaderMap::new())
}

#[test]
fn format_is_chosen_by_route() {
    assert_eq!(
        format_of(Method::POST, "/v1/messages"),
        ClientFormat::Anthropic
    );
    assert_eq!(
        format_of(Method::POST, "/v1/messages/count_tokens"),
        ClientFormat::Anthropic
    );
    assert_eq!(
        format_of(
            Method::POST,
            "/v1beta/models/gemini-2.5-pro:generateContent"
        ),
        ClientFormat::Gemini
    );
    assert_eq!(
        format_of(
            Method::POST,
            "/v1/models/gemini-2.5-pro:streamGenerateContent"
        ),
        ClientFormat::Gemini
    );
    assert_eq!(
        format_of(Method::POST, "/v1/chat/completions"),
        ClientFormat::OpenAi
    );
    assert_eq!(
        format_of(Method::POST, "/v1/responses"),
        ClientFormat::OpenAi
    );
    assert_eq!(format_of(Method::GET, "/v1/models"), ClientFormat::OpenAi);
}

#[test]
fn claude_cli_model_listing_uses_anthropic_shape() {
    let mut headers = HeaderMap::new();
    headers.insert(
        "user-agent",
        "claude-cli/2.0.1 (external, cli)".parse().unwrap(),
    );
    assert_eq!(
        ClientFormat::for_request(&Method::GET, "/v1/models", &headers),
        ClientFormat::Anthropic
    );
}

#[test]
fn bodies_follow_each_format_shape() {
    let err = ApiError::new(ErrorKind::Authentication, "invalid api key");
    let openai = err.body(ClientFormat::OpenAi);
    assert_eq!(openai["error"]["type"], "authentication_error");
    assert_eq!(openai["error"]["code"], "invalid_api_key");
    assert_eq!(openai["error"]["message"], "invalid api key");

    let anthropic = err.body(ClientFormat::Anthropic);
    assert_eq!(anthropic["type"], "error");
    assert_eq!(anthropic["error"]["type"], "authentication_error");

    let gemini = err.body(ClientFormat::Gemini);
    assert_eq!(gemini["error"]["code"], 401);
    assert_eq!(gemini["error"]["status"], "UNAUTHENTICATED");
}

#[test]
fn retry_after_header_is_set() {
    let response = ApiError::new(ErrorKind::RateLimited, "cooling down")
        .with_retry_after(42)
        .into_response_for(ClientFormat::OpenAi);
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "42");
}
