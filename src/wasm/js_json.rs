//! [`JsonView`] over JavaScript values, so the core's checks read the glue's plain copies directly.

use crate::core::json::{JsonKind, JsonView};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/json-view.js")]
extern "C" {
    /// The value's kind, numbered as `JsonKind` is, but for `true`, which is 8 (so that a
    /// boolean's value comes with its kind). One import where wasm-bindgen's type tests and
    /// boolean getter took seven, each an import whose name and hash the wasm carries. It only
    /// compares and reads `typeof`, so it cannot throw.
    #[wasm_bindgen(js_name = jsonKind)]
    fn json_kind(value: &JsValue) -> u32;

    /// An own member (an array's item, an object's member), or `undefined`: one import where
    /// `Object.hasOwn` and `Reflect.get` were two. A read that throws (none does, on plain data)
    /// reads as `undefined`.
    #[wasm_bindgen(js_name = ownMember)]
    fn own_member(object: &JsValue, key: &JsValue) -> JsValue;

    /// `Reflect.set`, its failure ignored in JavaScript: one import where js-sys's catching
    /// `Reflect.set` took the error handling along.
    #[wasm_bindgen(js_name = setMember)]
    fn set_member(object: &Object, key: &JsValue, value: &JsValue);
}

/// What [`json_kind`] answers for `false` and `true`.
const FALSE: u32 = 2;
const TRUE: u32 = 8;

/// Whether a value is `undefined`, through [`json_kind`] (wasm-bindgen's own test is one more
/// import).
pub fn is_undefined(value: &JsValue) -> bool {
    json_kind(value) == 0
}

/// Sets a member of an object this layer made. On a fresh plain object it cannot fail, so the
/// result is not looked at.
pub fn set(object: &Object, name: &str, value: &JsValue) {
    set_member(object, &JsValue::from_str(name), value);
}

/// A JavaScript value seen as JSON.
#[derive(Clone, Debug)]
pub struct Js(pub JsValue);

impl Js {
    /// `None` for `undefined`, so absent arguments read as absent.
    pub fn optional(value: JsValue) -> Option<Js> {
        (!is_undefined(&value)).then_some(Js(value))
    }
}

impl JsonView for Js {
    fn kind(&self) -> JsonKind {
        match json_kind(&self.0) {
            0 => JsonKind::Undefined,
            1 => JsonKind::Null,
            FALSE | TRUE => JsonKind::Bool,
            3 => JsonKind::Number,
            4 => JsonKind::String,
            5 => JsonKind::Array,
            6 => JsonKind::Object,
            _ => JsonKind::Other,
        }
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        match json_kind(&self.0) {
            FALSE => Some(false),
            TRUE => Some(true),
            _ => None,
        }
    }

    fn field(&self, name: &str) -> Option<Js> {
        // Arrays and objects: what `typeof` calls an object, but for null.
        if !matches!(self.kind(), JsonKind::Array | JsonKind::Object) {
            return None;
        }
        // Own members only: the glue's plain copies have no prototype, but a webhook body is the
        // platform's `JSON.parse` output, whose objects inherit from `Object.prototype` (which a
        // dependency may have polluted). Values reaching here are plain data, so reading a
        // member runs no code and cannot throw.
        Js::optional(own_member(&self.0, &JsValue::from_str(name)))
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
        self.array().map_or(0, |a| a.length() as usize)
    }

    fn item(&self, index: usize) -> Option<Js> {
        let array = self.array()?;
        u32::try_from(index).ok().filter(|i| *i < array.length()).map(|i| Js(self::index(array, i)))
    }
}

impl Js {
    /// The array, when this is one (`Array.isArray`, through [`json_kind`]: `dyn_ref` would
    /// import `Array.isArray` again).
    fn array(&self) -> Option<&Array> {
        (self.kind() == JsonKind::Array).then(|| self.0.unchecked_ref::<Array>())
    }
}

/// An array's item, through the one member read the wasm imports ([`own_member`]): `Array`'s own
/// getters would each be an import of their own, which the size budget does not afford. The
/// arrays read here (the glue's copies, `JSON.parse`'s output, `Object.keys`'s) have no holes,
/// so an own read is what `Reflect.get` read.
fn index(array: &Array, i: u32) -> JsValue {
    own_member(array, &JsValue::from(i))
}
