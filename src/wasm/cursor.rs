//! Lazy iteration over every page: a cursor that fetches the next page only when the caller's
//! loop has used up the current one. `toAsyncIterable` in `js/runtime.js` makes it an async
//! iterable.

use super::client::Inner;
use super::js_json::{set, Js};
use crate::core::paging::Pager;
use crate::core::response::Expected;
use js_sys::{Array, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = toAsyncIterable)]
    fn to_async_iterable(cursor: Cursor) -> JsValue;
}

/// The cursor behind `iterate` and `iterateForUser` (internal; users see an async iterable).
#[wasm_bindgen(skip_typescript, js_name = AccountGroupCursor)]
pub struct Cursor {
    inner: Rc<Inner>,
    state: Rc<RefCell<State>>,
    signal: Option<AbortSignal>,
}

struct State {
    /// The paging policy, or the input error every `next()` rejects with.
    pager: Result<Pager, JsValue>,
    page: Array,
    index: u32,
}

impl Cursor {
    pub(super) fn new(inner: Rc<Inner>, pager: Result<Pager, JsValue>, signal: Option<AbortSignal>) -> Cursor {
        let state = State { pager, page: Array::new(), index: 0 };
        Cursor { inner, state: Rc::new(RefCell::new(state)), signal }
    }
}

/// The cursor as an async iterable.
pub(super) fn iterable(cursor: Cursor) -> JsValue {
    to_async_iterable(cursor)
}

#[wasm_bindgen(js_class = AccountGroupCursor)]
impl Cursor {
    /// The next group as an iterator result, fetching a page when the current one is used up.
    pub fn next(&self) -> Promise {
        let (inner, state, signal) = (self.inner.clone(), self.state.clone(), self.signal.clone());
        future_to_promise(async move {
            loop {
                // The borrow ends before any await, so a concurrent call cannot trip over it.
                let request = {
                    let mut state = state.borrow_mut();
                    if state.index < state.page.length() {
                        state.index += 1;
                        return Ok(step(state.page.get(state.index - 1), false));
                    }
                    match &state.pager {
                        Err(error) => return Err(error.clone()),
                        Ok(pager) => match pager.next_request() {
                            None => return Ok(step(JsValue::UNDEFINED, true)),
                            Some(request) => request,
                        },
                    }
                };
                let outcome = inner.execute(&request, Expected::Page, signal.as_ref()).await?;
                let mut state = state.borrow_mut();
                if let Ok(pager) = &mut state.pager {
                    pager.advance_past(&Js(outcome.body.clone()));
                }
                state.page = Reflect::get(&outcome.body, &"data".into()).map(|data| Array::from(&data)).unwrap_or_default();
                state.index = 0;
            }
        })
    }

    /// Stops the iteration: no page is fetched after this.
    pub fn finish(&self) {
        let mut state = self.state.borrow_mut();
        if let Ok(pager) = &mut state.pager {
            pager.finish();
        }
        state.page = Array::new();
    }
}

fn step(value: JsValue, done: bool) -> JsValue {
    let result = Object::new();
    set(&result, "value", &value);
    set(&result, "done", &done.into());
    result.into()
}
