//! Every management route, relative to `/v0/management`. A table only.
//!
//! All routes pass through the guard (`guard::guard`); there is no open route.
//! Scalar settings share one generic handler set (`scalars::route`).

use axum::Router;
use axum::routing::{get, patch, post};

use crate::state::Shared;
use crate::{
    ampcode, api_keys, auth_files, config_file, logs, models, oauth_maps, provider_keys, scalars,
    unavailable, usage,
};

/// The route table (without the guard layer).
pub fn table() -> Router<Shared> {
    Router::new()
        // usage
        .route("/usage", get(usage::get_usage))
        .route("/usage/export", get(usage::export))
        .route("/usage/import", post(usage::import))
        .route("/api-key-usage", get(usage::api_key_usage))
        // config file
        .route("/config", get(config_file::get_config))
        .route(
            "/config.yaml",
            get(config_file::get_yaml).put(config_file::put_yaml),
        )
        .route("/latest-version", get(config_file::latest_version))
        // scalar settings
        .route("/debug", scalars::route(&scalars::DEBUG))
        .route(
            "/logging-to-file",
            scalars::route(&scalars::LOGGING_TO_FILE),
        )
        .route(
            "/logs-max-total-size-mb",
            scalars::route(&scalars::LOGS_MAX_TOTAL_SIZE_MB),
        )
        .route(
            "/error-logs-max-files",
            scalars::route(&scalars::ERROR_LOGS_MAX_FILES),
        )
        .route(
            "/usage-statistics-enabled",
            scalars::route(&scalars::USAGE_STATISTICS_ENABLED),
        )
        .route("/proxy-url", scalars::route(&scalars::PROXY_URL))
        .route(
            "/quota-exceeded/switch-project",
            scalars::route(&scalars::SWITCH_PROJECT),
        )
        .route(
            "/quota-exceeded/switch-preview-model",
            scalars::route(&scalars::SWITCH_PREVIEW_MODEL),
        )
        .route("/request-log", scalars::route(&scalars::REQUEST_LOG))
        .route("/ws-auth", scalars::route(&scalars::WS_AUTH))
        .route("/request-retry", scalars::route(&scalars::REQUEST_RETRY))
        .route(
            "/max-retry-interval",
            scalars::route(&scalars::MAX_RETRY_INTERVAL),
        )
        .route(
            "/force-model-prefix",
            scalars::route(&scalars::FORCE_MODEL_PREFIX),
        )
        .route(
            "/routing/strategy",
            scalars::route(&scalars::ROUTING_STRATEGY),
        )
        .route(
            "/allow-localhost-unauthenticated",
            scalars::route(&scalars::ALLOW_LOCALHOST),
        )
        // client keys
        .route("/api-keys", api_keys::route(&api_keys::API_KEYS))
        .route(
            "/generative-language-api-key",
            api_keys::route(&api_keys::GENERATIVE_LANGUAGE),
        )
        // provider key lists
        .route(
            "/gemini-api-key",
            provider_keys::route(&provider_keys::GEMINI),
        )
        .route(
            "/claude-api-key",
            provider_keys::route(&provider_keys::CLAUDE),
        )
        .route(
            "/codex-api-key",
            provider_keys::route(&provider_keys::CODEX),
        )
        .route(
            "/vertex-api-key",
            provider_keys::route(&provider_keys::VERTEX),
        )
        .route(
            "/openai-compatibility",
            provider_keys::route(&provider_keys::OPENAI_COMPAT),
        )
        // OAuth channel maps
        .route("/oauth-excluded-models", oauth_maps::excluded_route())
        .route(
            "/oauth-model-alias",
            oauth_maps::alias_route(&oauth_maps::ALIAS),
        )
        .route(
            "/oauth-model-mappings",
            oauth_maps::alias_route(&oauth_maps::MAPPINGS),
        )
        // ampcode
        .route("/ampcode", get(ampcode::get_ampcode))
        .route(
            "/ampcode/upstream-url",
            scalars::route(&scalars::AMP_UPSTREAM_URL),
        )
        .route(
            "/ampcode/upstream-api-key",
            scalars::route(&scalars::AMP_UPSTREAM_API_KEY),
        )
        .route(
            "/ampcode/restrict-management-to-localhost",
            scalars::route(&scalars::AMP_RESTRICT_MANAGEMENT),
        )
        .route(
            "/ampcode/force-model-mappings",
            scalars::route(&scalars::AMP_FORCE_MAPPINGS),
        )
        .route(
            "/ampcode/model-mappings",
            get(ampcode::get_mappings)
                .put(ampcode::put_mappings)
                .patch(ampcode::patch_mappings)
                .delete(ampcode::delete_mappings),
        )
        .route(
            "/ampcode/upstream-api-keys",
            get(ampcode::get_upstream_keys)
                .put(ampcode::put_upstream_keys)
                .patch(ampcode::patch_upstream_keys)
                .delete(ampcode::delete_upstream_keys),
        )
        // logs
        .route("/logs", get(logs::get_logs).delete(logs::delete_logs))
        .route("/request-error-logs", get(logs::list_error_logs))
        .route("/request-error-logs/{name}", get(logs::download_error_log))
        .route("/request-log-by-id/{id}", get(logs::download_by_id))
        // auth files
        .route(
            "/auth-files",
            get(auth_files::list)
                .post(auth_files::upload)
                .delete(auth_files::delete),
        )
        .route("/auth-files/models", get(auth_files::models))
        .route("/auth-files/download", get(auth_files::download))
        .route("/auth-files/status", patch(auth_files::patch_status))
        .route("/auth-files/fields", patch(auth_files::patch_fields))
        // model catalogue
        .route("/model-definitions", get(models::definitions_query))
        .route("/model-definitions/{channel}", get(models::definitions))
        // not available in this build (declared so clients get a clear error)
        .route("/anthropic-auth-url", get(unavailable::oauth))
        .route("/codex-auth-url", get(unavailable::oauth))
        .route("/gemini-cli-auth-url", get(unavailable::oauth))
        .route("/antigravity-auth-url", get(unavailable::oauth))
        .route("/qwen-auth-url", get(unavailable::oauth))
        .route("/kimi-auth-url", get(unavailable::oauth))
        .route(
            "/iflow-auth-url",
            get(unavailable::oauth).post(unavailable::oauth),
        )
        .route("/oauth-callback", post(unavailable::oauth_status))
        .route("/get-auth-status", get(unavailable::oauth_status))
        .route("/vertex/import", post(unavailable::vertex_import))
        .route("/api-call", post(unavailable::api_call))
}
