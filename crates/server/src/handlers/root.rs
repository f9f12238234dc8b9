//! `GET /`: the banner the original answers, so health checks and scripts keep working.

use axum::Json;
use serde_json::{Value, json};

/// The endpoint list and server name, exactly as the original prints them.
pub async fn banner() -> Json<Value> {
    Json(json!({
        "endpoints": [
            "POST /v1/chat/completions",
            "POST /v1/completions",
            "GET /v1/models"
        ],
        "message": "CLI Proxy API Server"
    }))
}
