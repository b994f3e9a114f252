//! Bindings to `js/runtime.js`: the HTTP attempt, timers, abort handling and safe calls into
//! user code.

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    /// One HTTP attempt (see `exchange` in `js/runtime.js`); resolves with an [`AttemptResult`].
    pub fn exchange(
        fetch: Option<Function>,
        method: &str,
        url: &str,
        header_lines: &str,
        body: Option<String>,
        timeout_ms: u32,
        caller: Option<AbortSignal>,
        max_bytes: f64,
    ) -> Promise;

    /// What `exchange` resolved with; every field is read once.
    pub type AttemptResult;

    #[wasm_bindgen(method, getter)]
    pub fn failure(this: &AttemptResult) -> String;

    #[wasm_bindgen(method, getter)]
    pub fn error(this: &AttemptResult) -> JsValue;

    #[wasm_bindgen(method, getter)]
    pub fn status(this: &AttemptResult) -> u16;

    #[wasm_bindgen(method, getter, js_name = requestId)]
    pub fn request_id(this: &AttemptResult) -> Option<String>;

    #[wasm_bindgen(method, getter, js_name = contentType)]
    pub fn content_type(this: &AttemptResult) -> Option<String>;

    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    pub fn retry_after(this: &AttemptResult) -> Option<String>;

    #[wasm_bindgen(method, getter)]
    pub fn body(this: &AttemptResult) -> Option<Uint8Array>;

    /// `JSON.parse` of UTF-8 bytes, decoded by the platform.
    #[wasm_bindgen(js_name = parseJson, catch)]
    pub fn parse_json(bytes: &Uint8Array) -> Result<JsValue, JsValue>;

    /// The result with its non-enumerable `lastResponse`, or `{ status, requestId }` alone.
    #[wasm_bindgen(js_name = withResponse)]
    pub fn with_response(body: &JsValue, status: u16, request_id: Option<String>) -> JsValue;

    /// Settles like the promise, or rejects with the signal's reason once it aborts.
    #[wasm_bindgen(js_name = untilAborted)]
    pub fn until_aborted(promise: &Promise, signal: &AbortSignal) -> Promise;

    /// Resolves after `ms`; rejects with the signal's reason when it aborts.
    pub fn sleep(ms: u32, signal: Option<AbortSignal>) -> Promise;

    /// Calls a hook, swallowing whatever it throws or rejects with.
    #[wasm_bindgen(js_name = callHook)]
    pub fn call_hook(hook: &Function, event: &JsValue);

    /// The `[name, value]` pairs of a signer's result, a plain object or a `Headers`; `None` for
    /// anything else.
    #[wasm_bindgen(js_name = headerEntries)]
    pub fn header_entries(value: &JsValue) -> Option<Array>;

    /// Calls a callback; always a promise.
    #[wasm_bindgen(js_name = callAsync)]
    pub fn call_async(callback: &Function, argument: &JsValue) -> Promise;
}
