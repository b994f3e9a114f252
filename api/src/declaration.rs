//! How the API's Rust types are written in TypeScript: the `TypeScript` and `Declared` traits the
//! data's macros implement, and what a declaration is. `typescript` renders the declarations; this
//! module knows nothing of the data, so the data can depend on it without a circle.

/// How a Rust type is written in TypeScript.
pub trait TypeScript {
    /// The type as a field or a type argument names it.
    fn ts_type() -> String;
    /// An optional field (`Option`).
    const OPTIONAL: bool = false;
}

/// A type with a declaration of its own.
pub trait Declared {
    fn declaration() -> Declaration;
}

/// Rust's scalar types as TypeScript's.
macro_rules! scalars {
    ($($rust:ty => $ts:literal),+) => {
        $(impl TypeScript for $rust {
            fn ts_type() -> String {
                $ts.to_owned()
            }
        })+
    };
}

scalars!(String => "string", bool => "boolean", u16 => "number", u32 => "number");

impl<T: TypeScript> TypeScript for Vec<T> {
    fn ts_type() -> String {
        format!("{}[]", T::ts_type())
    }
}

impl<T: TypeScript> TypeScript for Option<T> {
    fn ts_type() -> String {
        T::ts_type()
    }
    const OPTIONAL: bool = true;
}

/// One field of an object.
pub struct Field {
    pub name: &'static str,
    pub doc: &'static [&'static str],
    pub ts_type: String,
    pub optional: bool,
}

/// What a declared type is.
pub enum Declaration {
    Enum { name: &'static str, doc: &'static [&'static str], values: &'static [&'static str], open: bool, export: &'static str },
    Object { name: &'static str, doc: &'static [&'static str], input: bool, fields: Vec<Field> },
    Union { name: &'static str, doc: &'static str, members: Vec<String> },
}

/// `input` objects are what callers send; anything else is what the API answers.
pub fn is_input(kind: &str) -> bool {
    kind == "input"
}
