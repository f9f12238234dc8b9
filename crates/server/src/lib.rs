//! The HTTP server of `cli-proxy-api`: routes, client authentication, error shapes, logging,
//! TLS and graceful shutdown.
//!
//! `serve` is the entry point the binary calls. Request handling starts in `app`, whose doc
//! comment lists the middleware in order.

pub mod app;
pub mod exposure;
mod handlers;
pub mod keep_alive;
pub mod logging;
pub mod middleware;
mod pipeline;
mod reload;
pub mod respond;
mod routes;
mod serve;
pub mod shutdown;
pub mod state;
pub mod upstreams;

pub use serve::{ServeError, ServeOptions, serve};
