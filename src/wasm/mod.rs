//! The JavaScript boundary: converts values in and out and awaits promises. No API logic lives
//! here; every decision is the core's.

mod client;
mod credentials;
mod cursor;
mod errors;
mod http;
mod js_json;
mod runtime;
mod signer;
mod tokens;
mod transport;
mod webhooks;

pub use client::AccountGroups;
