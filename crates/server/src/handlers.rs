//! Route handlers, one module per API surface. Handlers stay thin: extract, call the
//! pipeline, render in the client's format.

pub mod fallback;
pub mod proxy;
pub mod root;
