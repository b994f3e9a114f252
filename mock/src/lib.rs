//! The mock's logic, with no I/O: a request (with the time it arrived) goes in, a response comes
//! out. `upvest-mock` (src/main.rs) serves it over hyper on 127.0.0.1; `upvest-mock-wasm`
//! compiles it to wasm for the package's in-process mock (`upvest-account-groups/mock`).

// A refusal is the HTTP answer itself (`Exchange`), made once per refused request.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod app;
pub mod auth;
pub mod cors;
pub mod faults;
pub mod httpsig;
pub mod idempotency;
pub mod options;
pub mod reply;
pub mod request;
pub mod request_log;
pub mod signing;
pub mod store;
pub mod webhook_events;
pub mod webhook_signing;
