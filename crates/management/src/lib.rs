//! `cpa-management`: the Management API (`/v0/management/*`).
//!
//! The server mounts [`router`] under `/v0/management` and serves with
//! `into_make_service_with_connect_info::<SocketAddr>()` (the guard needs the TCP
//! peer address). Construction:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::net::SocketAddr;
//! use cpa_management::{BuildInfo, LiveConfig, ManagementContext};
//!
//! let path = std::path::PathBuf::from("config.yaml");
//! let live = LiveConfig::new(cpa_config::load(&path)?);
//! let (read, write) = (live.clone(), live.clone());
//! let ctx = ManagementContext::new(path, move || read.snapshot(), move |loaded| {
//!     // The server also rebuilds its runtime (pool, client keys, logging) here.
//!     write.store(loaded);
//! })
//! .with_management_password(std::env::var("MANAGEMENT_PASSWORD").ok())
//! .with_build_info(BuildInfo::default());
//! let app = axum::Router::new().nest("/v0/management", cpa_management::router(ctx));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8317").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! A server that keeps its config in a `cpa_config::ConfigHandle` can use
//! [`ManagementContext::from_handle`] instead of the two closures.
//!
//! | module | job |
//! |---|---|
//! | [`context`] | what the server provides |
//! | `routes` | the route table |
//! | `guard` | availability, build headers, key check, remote switch, bans |
//! | [`patch`] | shared request conventions (`{"value"}`, list PUT/PATCH/DELETE) |
//! | `store` | the one write path: edit raw → merge into file → validate → save → apply |
//! | `config_file`, `scalars`, `api_keys`, `provider_keys`, `oauth_maps`, `ampcode` | config resources |
//! | `usage`, `logs`, `auth_files`, `models` | runtime resources |
//! | `unavailable` | OAuth, Vertex import and `/api-call`: declared, answer 501 |

pub mod context;
pub mod error;
pub mod patch;

mod ampcode;
mod api_keys;
mod auth_files;
mod config_file;
mod guard;
mod logs;
mod models;
mod oauth_maps;
mod provider_keys;
mod routes;
mod scalars;
mod state;
mod store;
mod unavailable;
mod usage;

pub use context::{ApplyFn, BuildInfo, LiveConfig, ManagementContext, SnapshotFn};
pub use error::ApiError;

/// The management router, with paths relative to `/v0/management`. Every route is
/// behind the guard middleware.
pub fn router(ctx: ManagementContext) -> axum::Router {
    let shared = state::Shared::new(ctx);
    routes::table()
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            guard::guard,
        ))
        .with_state(shared)
}
