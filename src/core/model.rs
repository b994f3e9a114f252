//! The API's vocabulary: the values the contract allows in requests, as the upvest-api crate
//! (api/src) defines them.
//!
//! Responses are not held to these lists: the API adds enum values in minor releases, so a
//! response keeps whatever string it carries (see `response`).

use upvest_api::{BusinessAccountGroupType, ClosureReason, SortField, SortOrder, UserAccountGroupType};

/// Account group types created for a user.
pub const USER_GROUP_TYPES: &[&str] = UserAccountGroupType::NAMES;

/// The account group type created for a business.
pub const BUSINESS_GROUP_TYPE: &str = BusinessAccountGroupType::Business.as_str();

/// Fields a list can be sorted by.
pub const SORT_FIELDS: &[&str] = SortField::NAMES;

/// Sort orders.
pub const SORT_ORDERS: &[&str] = SortOrder::NAMES;

/// Reasons a closure may record.
pub const CLOSURE_REASONS: &[&str] = ClosureReason::NAMES;

/// The largest page the API serves.
pub const MAX_LIMIT: u32 = 1000;

/// The largest offset the contract's `int32` allows.
pub const MAX_OFFSET: u32 = i32::MAX as u32;

/// The Upvest API major version this client speaks.
pub const DEFAULT_API_VERSION: &str = "1";

/// The sandbox host: the default `baseUrl`.
pub const SANDBOX_BASE_URL: &str = upvest_api::SANDBOX_BASE_URL;

/// The live host.
pub const PRODUCTION_BASE_URL: &str = upvest_api::PRODUCTION_BASE_URL;
