// @ts-check
// Generated from api/src (the upvest-api crate) by `UPVEST_BLESS=1 cargo test -p upvest-api`: do not edit.

/** Every `UserAccountGroupType` value this version lists, in the API's order. */
export const USER_ACCOUNT_GROUP_TYPES = Object.freeze(/** @type {const} */ (['PERSONAL', 'LEGAL_ENTITY', 'FRENCH_PEA', 'ISA', 'CHILD']));

/** Every `BusinessAccountGroupType` value this version lists, in the API's order. */
export const BUSINESS_ACCOUNT_GROUP_TYPES = Object.freeze(/** @type {const} */ (['BUSINESS']));

/** Every `AccountGroupStatus` value this version lists, in the API's order. */
export const ACCOUNT_GROUP_STATUSES = Object.freeze(/** @type {const} */ (['PENDING_APPROVAL', 'ACTIVE', 'CLOSING', 'CLOSED', 'LOCKED']));

/** Every `AccountGroupUserRelation` value this version lists, in the API's order. */
export const ACCOUNT_GROUP_USER_RELATIONS = Object.freeze(/** @type {const} */ (['OWNER', 'CHILD', 'GUARDIAN']));

/** Every `SortField` value this version lists, in the API's order. */
export const SORT_FIELDS = Object.freeze(/** @type {const} */ (['created_at', 'updated_at']));

/** Every `SortOrder` value this version lists, in the API's order. */
export const SORT_ORDERS = Object.freeze(/** @type {const} */ (['ASC', 'DESC']));

/** Every `ClosureReason` value this version lists, in the API's order. */
export const CLOSURE_REASONS = Object.freeze(/** @type {const} */ (['dunning', 'power_of_attorney', 'loss_of_legal_capacity', 'aml', 'risk_based', 'contract_breach', 'user_initiated']));

/** Every `AccountGroupEventType` value this version lists, in the API's order. */
export const ACCOUNT_GROUP_EVENT_TYPES = Object.freeze(/** @type {const} */ (['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED', 'ACCOUNT_GROUP.CLOSING_INITIATED', 'ACCOUNT_GROUP.CLOSED', 'ACCOUNT_GROUP.LOCKED']));

/** The sandbox host: the default `baseUrl`. */
export const SANDBOX_BASE_URL = 'https://sandbox.upvest.co';

/** The live host. */
export const PRODUCTION_BASE_URL = 'https://api.upvest.co';
