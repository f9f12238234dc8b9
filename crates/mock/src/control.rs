//! The scripting half of the control API: `POST`/`DELETE /__mock/script`.
//!
//! `POST /__mock/script` with `{"match": "<word in key or model>", "steps": ["fail-429-2", "ok"]}`
//! makes the next matching requests take those steps in order. The recording half
//! lives in `record`. This module must not touch recorded requests.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::server::AppState;

/// Body of `POST /__mock/script`.
#[derive(Debug, Deserialize)]
pub(crate) struct ScriptBody {
    /// Substring of the API key or model name that selects the requests.
    #[serde(rename = "match")]
    pattern: String,
    /// Fault words per request, in order; `"ok"` for a normal answer.
    steps: Vec<String>,
}

/// `POST /__mock/script`.
pub(crate) async fn set_script(
    State(state): State<AppState>,
    Json(body): Json<ScriptBody>,
) -> StatusCode {
    state.scripts.set(body.pattern, body.steps);
    StatusCode::NO_CONTENT
}

/// `DELETE /__mock/script`: forgets every script.
pub(crate) async fn clear_scripts(State(state): State<AppState>) -> StatusCode {
    state.scripts.clear();
    StatusCode::NO_CONTENT
}
