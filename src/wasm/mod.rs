//! The JavaScript boundary: converts values in and out and awaits promises. No API logic lives
//! here; every decision is the core's.

mod client;
mod cursor;
mod errors;
mod http;
mod js_json;

pub use client::AccountGroups;
