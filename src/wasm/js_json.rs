//! [`JsonView`] over JavaScript values, so the core's checks read JS objects directly.

use crate::core::json::{JsonKind, JsonView};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Sets a member of an object this layer made. On a fresh plain object it cannot fail, so the
/// result is not looked at.
pub fn set(object: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), value);
}

/// A method of an exported wasm object, bound to it: a plain function for JS callers (the
/// `clientCredentials` provider, the Upvest signer), with the object's state behind it.
pub fn bound_method(object: JsValue, name: &str) -> Result<Function, JsValue> {
    let method: Function = Reflect::get(&object, &JsValue::from_str(name))?.dyn_into()?;
    Ok(method.bind0(&object))
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
        // A getter that throws reads as absent; the rule for the field then reports it.
        Reflect::get(&self.0, &JsValue::from_str(name)).ok().and_then(Js::optional)
    }

    fn keys(&self) -> Vec<String> {
        match self.0.dyn_ref::<Object>() {
            Some(object) => Object::keys(object).iter().filter_map(|k| k.as_string()).collect(),
            None => Vec::new(),
        }
    }

    fn length(&self) -> usize {
        self.0.dyn_ref::<Array>().map_or(0, |a| a.length() as usize)
    }

    fn item(&self, index: usize) -> Option<Js> {
        let array = self.0.dyn_ref::<Array>()?;
        u32::try_from(index).ok().filter(|i| *i < array.length()).map(|i| Js(array.get(i)))
    }
}
