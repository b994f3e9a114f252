//! The JavaScript boundary, synchronous and data-only: the glue in `js/` copies caller input to
//! plain data, calls in here to have it checked and to plan and judge each attempt, and does
//! every effect itself (tokens, signer, hooks, fetch, timers). Nothing here calls caller code or
//! awaits a promise, so no JavaScript exception ever unwinds through a wasm frame.

pub mod call;
pub mod client_core;
mod errors;
mod js_json;
pub mod signer_core;
pub mod tokens;
pub mod webhook_signature;
pub mod webhooks;

/// The allocator: talc rather than Rust's default dlmalloc, 2.3 KB smaller in the gzipped wasm
/// with the page check and a get as fast (measured paired; see the README's Size decision).
/// Single-threaded, as the wasm is.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
