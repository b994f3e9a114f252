//! [`JsonView`] over JavaScript values, so the core's checks read the glue's plain copies directly.

use crate::core::json::{JsonKind, JsonView};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Sets a member of an object this layer made. On a fresh plain object it cannot fail, so the
/// result is not looked at.
pub fn set(object: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), value);
}

/// A JavaScript value seen as JSON.
#[derive(Clone, Debug)]
pub struct Js(pub JsValue);

impl Js {
    /// `None` for `undefined`, so absent arguments read as absent.
    pub fn optional(value: JsValue) -> Option<Js> {
        (!value.is_undefined()).then_some(Js(value))
    }
}

impl JsonView for Js {
    fn kind(&self) -> JsonKind {
        let v = &self.0;
        if v.is_undefined() {
            JsonKind::Undefined
        } else if v.is_null() {
            JsonKind::Null
        } else if v.as_bool().is_some() {
            JsonKind::Bool
        } else if v.as_f64().is_some() {
            JsonKind::Number
        } else if v.is_string() {
            JsonKind::String
        } else if Array::is_array(v) {
            JsonKind::Array
        } else if v.is_object() && !v.is_function() {
            JsonKind::Object
        } else {
            JsonKind::Other
        }
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn field(&self, name: &str) -> Option<Js> {
        if !self.0.is_object() {
            return None;
        }
        // Values reaching here are the glue's plain copies (no getters, no Proxies, no
        // prototype), so reading a member runs no code and cannot throw.
        Reflect::get(&self.0, &JsValue::from_str(name)).ok().and_then(Js::optional)
    }

    fn keys(&self) -> Vec<String> {
        // Not `dyn_ref::<Object>()`: that is an `instanceof Object` check, which the glue's copies
        // (objects without a prototype) fail.
        if self.kind() != JsonKind::Object {
            return Vec::new();
        }
        Object::keys(self.0.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect()
    }

    fn length(&self) -> usize {
        self.0.dyn_ref::<Array>().map_or(0, |a| a.length() as usize)
    }

    fn item(&self, index: usize) -> Option<Js> {
        let array = self.0.dyn_ref::<Array>()?;
        u32::try_from(index).ok().filter(|i| *i < array.length()).map(|i| Js(array.get(i)))
    }
}
