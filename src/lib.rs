//! A client for the Account Groups endpoints of the Upvest Investment API.
//!
//! [`core`] is pure Rust: it validates input, builds requests, and judges responses, and it is
//! tested natively. The `wasm` module (compiled for `wasm32` only) moves values across the
//! JavaScript boundary and awaits `fetch`; it holds no API logic of its own.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::AccountGroups;
