// The API's enum values this page offers or orders by, taken from the package (which generates
// them from the Rust definitions in api/src), in the orders this page shows them in. Responses may
// carry values added later: the page shows those as they come, after these.
import {
  ACCOUNT_GROUP_STATUSES,
  BUSINESS_ACCOUNT_GROUP_TYPES,
  CLOSURE_REASONS as API_CLOSURE_REASONS,
  SORT_FIELDS as API_SORT_FIELDS,
  SORT_ORDERS,
  USER_ACCOUNT_GROUP_TYPES,
} from '/pkg/web/index.js';

// The package lists each enum in the API's order; these names are positions in it.
const [PENDING_APPROVAL, ACTIVE, CLOSING, CLOSED, LOCKED] = ACCOUNT_GROUP_STATUSES;
const [CREATED_AT, UPDATED_AT] = API_SORT_FIELDS;
const [ASC, DESC] = SORT_ORDERS;
export { ACTIVE, CLOSING, CREATED_AT, UPDATED_AT, ASC, DESC };

/** Account-group statuses, in the order of a group's life. */
export const STATUSES = [PENDING_APPROVAL, ACTIVE, LOCKED, CLOSING, CLOSED];

/** Types of a user's group (create with `user_id`). */
export const USER_GROUP_TYPES = USER_ACCOUNT_GROUP_TYPES;

/** The type of a business's group (create with `business_id`). */
export const [BUSINESS_GROUP_TYPE] = BUSINESS_ACCOUNT_GROUP_TYPES;

/** Every group type, for counting. */
export const GROUP_TYPES = [...USER_GROUP_TYPES, BUSINESS_GROUP_TYPE];

/** Reasons a closure may record (`closure_reason`): the user's own (the API lists it last) first. */
export const CLOSURE_REASONS = [API_CLOSURE_REASONS[API_CLOSURE_REASONS.length - 1], ...API_CLOSURE_REASONS.slice(0, -1)];

/** List sort fields, and orders newest first. */
export const SORT_FIELDS = API_SORT_FIELDS;
export const ORDERS = [DESC, ASC];
