// The API's enum values this page offers or orders by, in one place, so the selects, badges,
// charts and URL checks agree. Responses may carry values added later: the page shows those as
// they come, after these.

/** Account-group statuses, in the order of a group's life. */
export const STATUSES = ['PENDING_APPROVAL', 'ACTIVE', 'LOCKED', 'CLOSING', 'CLOSED'];

/** Types of a user's group (create with `user_id`). */
export const USER_GROUP_TYPES = ['PERSONAL', 'LEGAL_ENTITY', 'FRENCH_PEA', 'ISA', 'CHILD'];

/** The type of a business's group (create with `business_id`). */
export const BUSINESS_GROUP_TYPE = 'BUSINESS';

/** Every group type, for counting. */
export const GROUP_TYPES = [...USER_GROUP_TYPES, BUSINESS_GROUP_TYPE];

/** Reasons a closure may record (`closure_reason`). */
export const CLOSURE_REASONS = ['user_initiated', 'dunning', 'power_of_attorney', 'loss_of_legal_capacity', 'aml', 'risk_based', 'contract_breach'];

/** List sort fields and orders. */
export const SORT_FIELDS = ['created_at', 'updated_at'];
export const ORDERS = ['DESC', 'ASC'];
