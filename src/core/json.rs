//! A read-only view of a JSON-like value, so that validation is written once and runs over both
//! JavaScript values (in the wasm build) and `serde_json` values (in native tests).

use std::borrow::Cow;

/// What kind of value a [`JsonView`] holds, in JSON's terms plus JavaScript's `undefined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// JavaScript `undefined` (an absent value).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// A plain object.
    Object,
    /// Anything JSON cannot hold (a function, a symbol, a bigint).
    Other,
}

impl JsonKind {
    /// The word used for this kind in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            JsonKind::Undefined => "undefined",
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
            JsonKind::Other => "a value that is not JSON",
        }
    }
}

/// Read access to a JSON-like value.
pub trait JsonView: Sized {
    /// The kind of this value.
    fn kind(&self) -> JsonKind;
    /// The string, when this is a string.
    fn string(&self) -> Option<String>;
    /// The string without a copy where the view can lend it (checks read many strings).
    fn text(&self) -> Option<Cow<'_, str>> {
        self.string().map(Cow::Owned)
    }
    /// The number, when this is a number.
    fn number(&self) -> Option<f64>;
    /// The boolean, when this is a boolean.
    fn boolean(&self) -> Option<bool>;
    /// An object's member; `None` when it is absent (or `undefined`) or this is no object.
    fn field(&self, name: &str) -> Option<Self>;
    /// Several members at once, each as [`JsonView::field`] finds it (in one pass over the
    /// members, where a view can: checks read most members of every group of a page).
    fn fields<const N: usize>(&self, names: [&str; N]) -> [Option<Self>; N] {
        names.map(|name| self.field(name))
    }
    /// An object's own member names, in order; empty for anything else.
    fn keys(&self) -> Vec<String>;
    /// An array's length; 0 for anything else.
    fn length(&self) -> usize;
    /// An array's element.
    fn item(&self, index: usize) -> Option<Self>;
    /// An array's elements, in order; empty for anything else. (Views whose `item` is not
    /// constant-time override it.)
    fn items(&self) -> Vec<Self> {
        (0..self.length()).filter_map(|i| self.item(i)).collect()
    }
}

#[cfg(test)]
impl JsonView for &serde_json::Value {
    fn kind(&self) -> JsonKind {
        use serde_json::Value;
        match self {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Bool,
            Value::Number(_) => JsonKind::Number,
            Value::String(_) => JsonKind::String,
            Value::Array(_) => JsonKind::Array,
            Value::Object(_) => JsonKind::Object,
        }
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn text(&self) -> Option<Cow<'_, str>> {
        self.as_str().map(Cow::Borrowed)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn field(&self, name: &str) -> Option<Self> {
        self.as_object().and_then(|o| o.get(name))
    }
    fn keys(&self) -> Vec<String> {
        self.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }
    fn length(&self) -> usize {
        self.as_array().map_or(0, Vec::len)
    }
    fn item(&self, index: usize) -> Option<Self> {
        self.as_array().and_then(|a| a.get(index))
    }
}
