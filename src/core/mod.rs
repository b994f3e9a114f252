//! The pure-Rust core: no JavaScript types, no I/O. Every decision about what is sent and what a
//! response means is made here, so native `cargo test` covers it.

pub mod call;
pub mod config;
pub mod ecdsa;
pub mod error;
pub mod httpsig;
pub mod json;
pub mod json_text;
pub mod model;
pub mod paging;
pub mod problem;
pub mod request;
pub mod response;
pub mod retry;
pub mod signature;
pub mod structured_field;
pub mod text;
pub mod token;
pub mod validate;
pub mod webhook;
pub mod webhook_signature;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod field_names_spelled_once;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz;
#[cfg(test)]
mod quick_check_agreement;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod simulate;
