//! A client for the Account Groups endpoints of the Upvest Investment API.
//!
//! [`core`] is pure Rust: it validates input, plans each attempt of a call and judges what came
//! back, and it is tested natively. The `wasm` module (compiled for `wasm32` only) is the
//! synchronous, data-only boundary the JavaScript glue (`js/`) calls; it holds no API logic of
//! its own and performs no I/O.
#![deny(missing_docs)]
// `ClientError` carries a problem's fields and is made once per failed call: boxing it would add
// an allocation and wasm bytes to every error path for no measured gain.
#![allow(clippy::result_large_err)]

pub mod core;

#[cfg(all(target_arch = "wasm32", feature = "boundary"))]
pub mod wasm;
