//! Lazy iteration over every page: a cursor that fetches the next page only when the caller's
//! loop has used up the current one. `toAsyncIterable` in `js/runtime.js` makes it an async
//! iterable and hands out the items of each page.

use super::client::Inner;
use super::js_json::Js;
use crate::core::paging::Pager;
use crate::core::response::Expected;
use js_sys::{Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    /// The cursor as an async iterable.
    #[wasm_bindgen(js_name = toAsyncIterable)]
    pub(super) fn to_async_iterable(cursor: Cursor) -> JsValue;
}

/// The cursor behind `iterate` and `iterateForUser` (internal; users see an async iterable).
#[wasm_bindgen(skip_typescript, js_name = AccountGroupCursor)]
pub struct Cursor {
    inner: Rc<Inner>,
    /// The paging policy, or the input error every page request rejects with.
    pager: Rc<RefCell<Result<Pager, JsValue>>>,
    signal: Option<AbortSignal>,
}

impl Cursor {
    pub(super) fn new(inner: Rc<Inner>, pager: Result<Pager, JsValue>, signal: Option<AbortSignal>) -> Cursor {
        Cursor { inner, pager: Rc::new(RefCell::new(pager)), signal }
    }
}

#[wasm_bindgen(js_class = AccountGroupCursor)]
impl Cursor {
    /// The groups of the next page, or `undefined` when there are no more pages.
    #[wasm_bindgen(js_name = nextPage)]
    pub fn next_page(&self) -> Promise {
        let (inner, pager, signal) = (self.inner.clone(), self.pager.clone(), self.signal.clone());
        future_to_promise(async move {
            // The borrow ends before the await, so a concurrent call cannot trip over it.
            let request = match &*pager.borrow() {
                Err(error) => return Err(error.clone()),
                Ok(pager) => match pager.next_request() {
                    None => return Ok(JsValue::UNDEFINED),
                    Some(request) => request,
                },
            };
            let outcome = inner.execute(&request, Expected::Page, signal.as_ref()).await?;
            if let Ok(pager) = &mut *pager.borrow_mut() {
                pager.advance_past(&Js(outcome.body.clone()));
            }
            // The core checked that `data` is an array.
            Reflect::get(&outcome.body, &"data".into())
        })
    }

    /// Stops the iteration: no page is fetched after this.
    pub fn finish(&self) {
        if let Ok(pager) = &mut *self.pager.borrow_mut() {
            pager.finish();
        }
    }
}
