// Generated from api/src (the upvest-api crate) by `UPVEST_BLESS=1 cargo test -p upvest-api`: do not edit.

/** An open string union: the listed values get completion, and values added by later API versions still type-check. */
export type Open<T extends string> = T | (string & {});

/** Account group types created for a user. */
export type UserAccountGroupType = 'PERSONAL' | 'LEGAL_ENTITY' | 'FRENCH_PEA' | 'ISA' | 'CHILD';

/** The account group type created for a business. */
export type BusinessAccountGroupType = 'BUSINESS';

/** Every account group type a request may name. */
export type AccountGroupType = UserAccountGroupType | BusinessAccountGroupType;

/** Account group statuses (open: the API adds values). */
export type AccountGroupStatus = Open<'PENDING_APPROVAL' | 'ACTIVE' | 'CLOSING' | 'CLOSED' | 'LOCKED'>;

/** How a user relates to a group (open: the API adds values). */
export type AccountGroupUserRelation = Open<'OWNER' | 'CHILD' | 'GUARDIAN'>;

/** Fields a list can be sorted by. */
export type SortField = 'created_at' | 'updated_at';

/** Sort orders. */
export type SortOrder = 'ASC' | 'DESC';

/** Reasons a closure may record. */
export type ClosureReason = 'dunning' | 'power_of_attorney' | 'loss_of_legal_capacity' | 'aml' | 'risk_based' | 'contract_breach' | 'user_initiated';

/** Account-group webhook event types (a receiver keeps later ones as they come). */
export type AccountGroupEventType = 'ACCOUNT_GROUP.CREATED' | 'ACCOUNT_GROUP.ACTIVATED' | 'ACCOUNT_GROUP.CLOSING_INITIATED' | 'ACCOUNT_GROUP.CLOSED' | 'ACCOUNT_GROUP.LOCKED';

/** A user linked to an account group. */
export interface AccountGroupUser {
  /** The user's id (UUID). */
  id?: string;
  /** How the user relates to the group. */
  type?: AccountGroupUserRelation;
}

/** An account group held by one or more users. Timestamps are RFC 3339 strings. */
export interface UserAccountGroup {
  /** The group's id (UUID). */
  id: string;
  /** Creation time, RFC 3339. */
  created_at: string;
  /** Last update time, RFC 3339. */
  updated_at: string;
  /**
   * A user group type. It is the discriminant of `AccountGroup`, so it is typed as the known
   * set; a type added by a later API version still arrives, as its string, and such a group
   * is checked to carry `users` like any user group.
   */
  type: UserAccountGroupType;
  /** The group's status. */
  status: AccountGroupStatus;
  /** The users linked to the group. */
  users: AccountGroupUser[];
  /** The nine-digit securities account number. */
  securities_account_number: string;
}

/** An account group held by a business. Timestamps are RFC 3339 strings. */
export interface BusinessAccountGroup {
  /** The group's id (UUID). */
  id: string;
  /** Creation time, RFC 3339. */
  created_at: string;
  /** Last update time, RFC 3339. */
  updated_at: string;
  /** Always the business type. */
  type: BusinessAccountGroupType;
  /** The group's status. */
  status: AccountGroupStatus;
  /** The business's id (UUID). */
  business_id: string;
  /** The nine-digit securities account number. */
  securities_account_number: string;
}

/** An account group; narrow on its `type` (the business type, or a user type). */
export type AccountGroup = UserAccountGroup | BusinessAccountGroup;

/** Creates a group for a user. */
export interface CreateUserAccountGroupRequest {
  /** The user (UUID). */
  user_id: string;
  /** The group type. */
  type: UserAccountGroupType;
  /** Nine digits; the API assigns one when absent. */
  securities_account_number?: string | undefined;
}

/** Creates a group for a business. */
export interface CreateBusinessAccountGroupRequest {
  /** The business (UUID). */
  business_id: string;
  /** Always the business type. */
  type: BusinessAccountGroupType;
  /** Nine digits; the API assigns one when absent. */
  securities_account_number?: string | undefined;
}

/** The body of `create`. */
export type CreateAccountGroupRequest = CreateUserAccountGroupRequest | CreateBusinessAccountGroupRequest;

/** A list query. */
export interface ListQuery {
  /** Sort field; the API's default is `created_at`. */
  sort?: SortField | undefined;
  /** Sort order; the API's default is `ASC`. */
  order?: SortOrder | undefined;
  /** Zero-based index of the first item. */
  offset?: number | undefined;
  /** Page size, 1 to 1000; the API's default is 100. */
  limit?: number | undefined;
}

/** Paging metadata of a list response. */
export interface ListMeta {
  /** The offset of this page. */
  offset: number;
  /** The limit of this page. */
  limit: number;
  /** How many items `data` holds. */
  count: number;
  /** How many items there are across all pages. */
  total_count: number;
  /** The sort field (free text). */
  sort?: string;
  /** The sort order. */
  order?: Open<SortOrder>;
}

/** One page of account groups, as the API returns it. */
export interface AccountGroupList {
  /** Paging metadata. */
  meta: ListMeta;
  /** The groups of this page. */
  data: AccountGroup[];
}

/** Options of `close`, sent as query parameters. */
export interface CloseOptions {
  /** The reason recorded for the closure. */
  closure_reason?: ClosureReason | undefined;
  /** Only announce an intended future closure. */
  notification_only?: boolean | undefined;
}

/** Every `UserAccountGroupType` value this version lists, in the API's order. */
export declare const USER_ACCOUNT_GROUP_TYPES: readonly ['PERSONAL', 'LEGAL_ENTITY', 'FRENCH_PEA', 'ISA', 'CHILD'];

/** Every `BusinessAccountGroupType` value this version lists, in the API's order. */
export declare const BUSINESS_ACCOUNT_GROUP_TYPES: readonly ['BUSINESS'];

/** Every `AccountGroupStatus` value this version lists, in the API's order. */
export declare const ACCOUNT_GROUP_STATUSES: readonly ['PENDING_APPROVAL', 'ACTIVE', 'CLOSING', 'CLOSED', 'LOCKED'];

/** Every `AccountGroupUserRelation` value this version lists, in the API's order. */
export declare const ACCOUNT_GROUP_USER_RELATIONS: readonly ['OWNER', 'CHILD', 'GUARDIAN'];

/** Every `SortField` value this version lists, in the API's order. */
export declare const SORT_FIELDS: readonly ['created_at', 'updated_at'];

/** Every `SortOrder` value this version lists, in the API's order. */
export declare const SORT_ORDERS: readonly ['ASC', 'DESC'];

/** Every `ClosureReason` value this version lists, in the API's order. */
export declare const CLOSURE_REASONS: readonly ['dunning', 'power_of_attorney', 'loss_of_legal_capacity', 'aml', 'risk_based', 'contract_breach', 'user_initiated'];

/** Every `AccountGroupEventType` value this version lists, in the API's order. */
export declare const ACCOUNT_GROUP_EVENT_TYPES: readonly ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED', 'ACCOUNT_GROUP.CLOSING_INITIATED', 'ACCOUNT_GROUP.CLOSED', 'ACCOUNT_GROUP.LOCKED'];

/** The sandbox host: the default `baseUrl`. */
export declare const SANDBOX_BASE_URL: 'https://sandbox.upvest.co';

/** The live host. */
export declare const PRODUCTION_BASE_URL: 'https://api.upvest.co';
