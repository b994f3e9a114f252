//! The two kinds of definition the API's data is made of. Each writes a value's wire spelling or a
//! field's name once; the Rust type, its serde form, its list of spellings and its TypeScript all
//! come from that one place.

/// An enum of the API. `closed`: only the listed values exist (requests are checked against
/// them). `open`: the API adds values in minor releases, so an unknown value is kept as
/// `Other(String)`, and TypeScript gets `Open<…>` (listed values complete, others type-check).
macro_rules! api_enum {
    (
        $(#[doc = $doc:literal])*
        closed $name:ident, exported as $export:ident {
            $($(#[doc = $vdoc:literal])* $variant:ident = $wire:literal),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in the API's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value as the wire spells it, in the API's order.
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The value as the wire spells it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// The value a wire spelling names, if it is one of this enum's.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| serde::de::Error::unknown_variant(&text, $name::NAMES))
            }
        }

        api_enum!(@common $name, $export, false, $($doc)*);
    };
    (
        $(#[doc = $doc:literal])*
        open $name:ident, exported as $export:ident {
            $($(#[doc = $vdoc:literal])* $variant:ident = $wire:literal),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant,)+
            /// A value this version does not list, kept as the API sent it.
            Other(String),
        }

        impl $name {
            /// Every listed value as the wire spells it, in the API's order.
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The value as the wire spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(text) => text,
                }
            }

            /// The value a wire spelling names; an unlisted one is kept as `Other`.
            pub fn parse(text: &str) -> $name {
                match text {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                Ok($name::parse(&<String as serde::Deserialize>::deserialize(deserializer)?))
            }
        }

        api_enum!(@common $name, $export, true, $($doc)*);
    };
    (@common $name:ident, $export:ident, $open:literal, $($doc:literal)*) => {
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl crate::declaration::TypeScript for $name {
            fn ts_type() -> String {
                stringify!($name).to_owned()
            }
        }

        impl crate::declaration::Declared for $name {
            fn declaration() -> crate::declaration::Declaration {
                crate::declaration::Declaration::Enum {
                    name: stringify!($name),
                    doc: &[$($doc),*],
                    values: $name::NAMES,
                    open: $open,
                    export: stringify!($export),
                }
            }
        }

        impl crate::data::MaybeAbsent for $name {}
    };
}

/// An object of the API: a struct whose fields are named as on the wire (`r#type` is `type`).
/// `input`: what callers send (in TypeScript an optional field also takes `undefined`, for
/// `exactOptionalPropertyTypes`); `output`: what the API answers. An `Option` field is optional
/// and left out of the JSON when absent.
macro_rules! api_object {
    (
        $(#[doc = $doc:literal])*
        $kind:ident $name:ident {
            $($(#[doc = $fdoc:literal])* $field:ident : $type:ty),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                #[cfg_attr(feature = "serde", serde(skip_serializing_if = "crate::data::MaybeAbsent::is_absent"))]
                pub $field: $type,
            )+
        }

        /// Each field's name as the wire spells it, one constant per field, named as the field
        /// (`UserAccountGroup::created_at` is `"created_at"`, `Problem::r#type` is `"type"`): the
        /// client's request builder and response checks spell no field name of their own.
        #[allow(non_upper_case_globals)]
        impl $name {
            $(pub const $field: &'static str = crate::data::wire_name(stringify!($field));)+

            /// The fields in order: each one's wire name and whether it may be absent.
            pub const FIELDS: &'static [crate::data::WireField] = &[$(crate::data::WireField {
                name: $name::$field,
                optional: <$type as crate::declaration::TypeScript>::OPTIONAL,
            }),+];

            /// The fields as the wire names them, in order.
            pub const NAMES: &'static [&'static str] = &[$($name::$field),+];
        }

        impl crate::declaration::TypeScript for $name {
            fn ts_type() -> String {
                stringify!($name).to_owned()
            }
        }

        impl crate::declaration::Declared for $name {
            fn declaration() -> crate::declaration::Declaration {
                use crate::declaration::TypeScript;
                crate::declaration::Declaration::Object {
                    name: stringify!($name),
                    doc: &[$($doc),*],
                    input: crate::declaration::is_input(stringify!($kind)),
                    fields: vec![$(crate::declaration::Field {
                        name: $name::$field,
                        doc: &[$($fdoc),*],
                        ts_type: <$type>::ts_type(),
                        optional: <$type as TypeScript>::OPTIONAL,
                    }),+],
                }
            }
        }

        impl crate::data::MaybeAbsent for $name {}
    };
}
