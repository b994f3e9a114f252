//! Bindings to `js/runtime.js`: timers, abort handling and safe calls into user code.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    /// One attempt's time limit, joined with the caller's signal.
    pub type AttemptTimer;

    #[wasm_bindgen(constructor)]
    pub fn new(ms: u32, caller: Option<AbortSignal>) -> AttemptTimer;

    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AttemptTimer) -> AbortSignal;

    #[wasm_bindgen(method, getter, js_name = timedOut)]
    pub fn timed_out(this: &AttemptTimer) -> bool;

    #[wasm_bindgen(method)]
    pub fn dispose(this: &AttemptTimer);

    /// Settles like the promise, or rejects with the signal's reason once it aborts.
    #[wasm_bindgen(js_name = untilAborted)]
    pub fn until_aborted(promise: &Promise, signal: &AbortSignal) -> Promise;

    /// Resolves after `ms`; rejects with the signal's reason when it aborts.
    pub fn sleep(ms: u32, signal: Option<AbortSignal>) -> Promise;

    /// Calls a hook, swallowing whatever it throws or rejects with.
    #[wasm_bindgen(js_name = callHook)]
    pub fn call_hook(hook: &Function, event: &JsValue);

    /// Calls a callback; always a promise.
    #[wasm_bindgen(js_name = callAsync)]
    pub fn call_async(callback: &Function, argument: &JsValue) -> Promise;
}
