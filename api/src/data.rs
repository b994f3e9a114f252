//! The API's objects: groups and lists as it answers them, the create, list and close inputs,
//! problems and webhook events. Fields that later API versions add are kept by the client at run
//! time; they are not listed here, so that a misspelt field name is a compile error in
//! TypeScript.

use crate::declaration::{Declaration, Declared, TypeScript};
use crate::vocabulary::*;

/// Whether a field's value is absent (left out of the JSON): `None`, for an optional field.
pub trait MaybeAbsent {
    fn is_absent(&self) -> bool {
        false
    }
}

impl<T> MaybeAbsent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

/// One field of an object, as its table (`FIELDS`, emitted by `api_object!`) lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireField {
    /// The name, as the wire spells it.
    pub name: &'static str,
    /// Whether the field may be absent (an `Option`).
    pub optional: bool,
}

/// A field's wire name from its Rust identifier: `r#type` is `type`.
pub const fn wire_name(identifier: &'static str) -> &'static str {
    match identifier.as_bytes() {
        [b'r', b'#', rest @ ..] => match core::str::from_utf8(rest) {
            Ok(name) => name,
            Err(_) => panic!("an identifier is UTF-8"),
        },
        _ => identifier,
    }
}

impl<T> MaybeAbsent for Vec<T> {}
impl MaybeAbsent for String {}
impl MaybeAbsent for u32 {}
impl MaybeAbsent for u16 {}
impl MaybeAbsent for bool {}

api_object! {
    /// A user linked to an account group.
    output AccountGroupUser {
        /// The user's id (UUID).
        id: Option<String>,
        /// How the user relates to the group.
        r#type: Option<AccountGroupUserRelation>,
    }
}

api_object! {
    /// An account group held by one or more users. Timestamps are RFC 3339 strings.
    output UserAccountGroup {
        /// The group's id (UUID).
        id: String,
        /// Creation time, RFC 3339.
        created_at: String,
        /// Last update time, RFC 3339.
        updated_at: String,
        /// A user group type. It is the discriminant of `AccountGroup`, so it is typed as the known
        /// set; a type added by a later API version still arrives, as its string, and such a group
        /// is checked to carry `users` like any user group.
        r#type: UserAccountGroupType,
        /// The group's status.
        status: AccountGroupStatus,
        /// The users linked to the group.
        users: Vec<AccountGroupUser>,
        /// The nine-digit securities account number.
        securities_account_number: String,
    }
}

api_object! {
    /// An account group held by a business. Timestamps are RFC 3339 strings.
    output BusinessAccountGroup {
        /// The group's id (UUID).
        id: String,
        /// Creation time, RFC 3339.
        created_at: String,
        /// Last update time, RFC 3339.
        updated_at: String,
        /// Always the business type.
        r#type: BusinessAccountGroupType,
        /// The group's status.
        status: AccountGroupStatus,
        /// The business's id (UUID).
        business_id: String,
        /// The nine-digit securities account number.
        securities_account_number: String,
    }
}

api_object! {
    /// Creates a group for a user.
    input CreateUserAccountGroupRequest {
        /// The user (UUID).
        user_id: String,
        /// The group type.
        r#type: UserAccountGroupType,
        /// Nine digits; the API assigns one when absent.
        securities_account_number: Option<String>,
    }
}

api_object! {
    /// Creates a group for a business.
    input CreateBusinessAccountGroupRequest {
        /// The business (UUID).
        business_id: String,
        /// Always the business type.
        r#type: BusinessAccountGroupType,
        /// Nine digits; the API assigns one when absent.
        securities_account_number: Option<String>,
    }
}

api_object! {
    /// A list query.
    input ListQuery {
        /// Sort field; the API's default is `created_at`.
        sort: Option<SortField>,
        /// Sort order; the API's default is `ASC`.
        order: Option<SortOrder>,
        /// Zero-based index of the first item.
        offset: Option<u32>,
        /// Page size, 1 to 1000; the API's default is 100.
        limit: Option<u32>,
    }
}

api_object! {
    /// Paging metadata of a list response.
    output ListMeta {
        /// The offset of this page.
        offset: u32,
        /// The limit of this page.
        limit: u32,
        /// How many items `data` holds.
        count: u32,
        /// How many items there are across all pages.
        total_count: u32,
        /// The sort field (free text).
        sort: Option<String>,
        /// The sort order.
        order: Option<Open<SortOrder>>,
    }
}

api_object! {
    /// One page of account groups, as the API returns it.
    output AccountGroupList {
        /// Paging metadata.
        meta: ListMeta,
        /// The groups of this page.
        data: Vec<AccountGroup>,
    }
}

api_object! {
    /// Options of `close`, sent as query parameters.
    input CloseOptions {
        /// The reason recorded for the closure.
        closure_reason: Option<ClosureReason>,
        /// Only announce an intended future closure.
        notification_only: Option<bool>,
    }
}

api_object! {
    /// An RFC 7807 problem, as the API answers errors (`application/problem+json`).
    output Problem {
        /// A URL naming the kind of problem.
        r#type: String,
        /// The HTTP status.
        status: u16,
        /// A short summary of the kind of problem.
        title: String,
        /// What went wrong in this case.
        detail: String,
        /// A URI naming this occurrence.
        instance: Option<String>,
        /// The request's id.
        request_id: Option<String>,
    }
}

api_object! {
    /// An event about an account group, as a webhook delivers it; `object` is the group as of the
    /// event.
    output AccountGroupEvent {
        /// The event's id (UUID): deduplicate on it.
        id: String,
        /// When the event happened, RFC 3339.
        created_at: String,
        /// What happened.
        r#type: AccountGroupEventType,
        /// The group as of the event.
        object: AccountGroup,
        /// The webhook subscription's id (UUID).
        webhook_id: String,
    }
}

/// Every object's field table, for checks that span them all (that no field name is spelled
/// outside this crate). A test keeps it complete.
pub const OBJECT_FIELDS: &[&[WireField]] = &[
    AccountGroupUser::FIELDS,
    UserAccountGroup::FIELDS,
    BusinessAccountGroup::FIELDS,
    CreateUserAccountGroupRequest::FIELDS,
    CreateBusinessAccountGroupRequest::FIELDS,
    ListQuery::FIELDS,
    ListMeta::FIELDS,
    AccountGroupList::FIELDS,
    CloseOptions::FIELDS,
    Problem::FIELDS,
    AccountGroupEvent::FIELDS,
];

/// An account group; on the wire, a business group is the one whose type is the business type.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(untagged))]
pub enum AccountGroup {
    User(UserAccountGroup),
    Business(BusinessAccountGroup),
}

/// The body of a create: for a user or for a business.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(untagged))]
pub enum CreateAccountGroupRequest {
    User(CreateUserAccountGroupRequest),
    Business(CreateBusinessAccountGroupRequest),
}

/// Every account group type a request may name.
pub enum AccountGroupType {}

/// A value of an open enum that this version may not list, where the API's object types it as a
/// listed one in TypeScript (`ListMeta.order`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(untagged))]
pub enum Open<T> {
    Listed(T),
    Other(String),
}

impl<T: TypeScript> TypeScript for Open<T> {
    fn ts_type() -> String {
        format!("Open<{}>", T::ts_type())
    }
}

impl<T> MaybeAbsent for Open<T> {}
impl MaybeAbsent for AccountGroup {}

/// Declares a union type named after a Rust type, of the members' TypeScript types.
macro_rules! union_declaration {
    ($name:ident, $doc:literal, [$($member:ty),+]) => {
        impl TypeScript for $name {
            fn ts_type() -> String {
                stringify!($name).to_owned()
            }
        }

        impl Declared for $name {
            fn declaration() -> Declaration {
                Declaration::Union { name: stringify!($name), doc: $doc, members: vec![$(<$member>::ts_type()),+] }
            }
        }
    };
}

union_declaration!(AccountGroupType, "Every account group type a request may name.", [UserAccountGroupType, BusinessAccountGroupType]);
union_declaration!(
    AccountGroup,
    "An account group; narrow on its `type` (the business type, or a user type).",
    [UserAccountGroup, BusinessAccountGroup]
);
union_declaration!(CreateAccountGroupRequest, "The body of `create`.", [CreateUserAccountGroupRequest, CreateBusinessAccountGroupRequest]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_tables_name_fields_as_the_wire_does() {
        assert_eq!(UserAccountGroup::created_at, "created_at");
        assert_eq!(Problem::r#type, "type");
        assert_eq!(
            CreateUserAccountGroupRequest::FIELDS,
            [
                WireField { name: "user_id", optional: false },
                WireField { name: "type", optional: false },
                WireField { name: "securities_account_number", optional: true },
            ]
        );
        assert_eq!(AccountGroupUser::NAMES, ["id", "type"]);
    }

    #[test]
    fn every_object_has_its_table_in_object_fields() {
        let objects = include_str!("data.rs").lines().filter(|line| *line == "api_object! {").count();
        assert_eq!(OBJECT_FIELDS.len(), objects);
    }
}
