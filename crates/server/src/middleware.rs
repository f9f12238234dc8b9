//! Request middleware, in the order `app` stacks them (see `crate::app`).

pub mod client_auth;
pub mod cors;
pub mod request_id;
pub mod request_log;
