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
        // Own members only: the glue's plain copies have no prototype, but a webhook body is the
        // platform's `JSON.parse` output, whose objects inherit from `Object.prototype` (which a
        // dependency may have polluted). Values reaching here are plain data, so reading a
        // member runs no code and cannot throw.
        let name = JsValue::from_str(name);
        if !Object::has_own(self.0.unchecked_ref::<Object>(), &name) {
            return None;
        }
        Reflect::get(&self.0, &name).ok().and_then(Js::optional)
    }

    fn keys(&self) -> Vec<String> {
        // Not `dyn_ref::<Object>()`: that is an `instanceof Object` check, which the glue's copies
        // (objects without a prototype) fail.
        if self.kind() != JsonKind::Object {
            return Vec::new();
        }
        let keys = Object::keys(self.0.unchecked_ref::<Object>());
        (0..keys.length()).filter_map(|i| index(&keys, i).as_string()).collect()
    }

    fn length(&self) -> usize {
        self.0.dyn_ref::<Array>().map_or(0, |a| a.length() as usize)
    }

    fn item(&self, index: usize) -> Option<Js> {
        let array = self.0.dyn_ref::<Array>()?;
        u32::try_from(index).ok().filter(|i| *i < array.length()).map(|i| Js(self::index(array, i)))
    }
}

/// An array's item, through the one member read the wasm imports (`Reflect.get`): `Array`'s own
/// getters would each be an import of their own, which the size budget does not afford.
fn index(array: &Array, i: u32) -> JsValue {
    Reflect::get(array, &JsValue::from(i)).unwrap_or(JsValue::UNDEFINED)
}
