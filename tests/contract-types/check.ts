// The package's hand-written declarations (js/types.d.ts + js/errors.d.ts, shipped as
// pkg/index.d.ts, which pkg/package.json's exports give to every `import` and `require`) checked
// against the contract, contract/account-groups.openapi.yaml, as openapi-typescript types it:
//
//   node scripts/contract-types.mjs && node_modules/.bin/tsc -p tests/contract-types
//
// Nothing here runs; every check is an `Assert<…>` that tsc rejects when its condition is false.
// The checks, per operation:
//   * the success statuses are exactly the ones the package expects (a new 201 would show);
//   * response bodies: every body the contract allows is assignable to the package's type
//     (contract → ours; this direction must hold), and the package's type is assignable to the
//     contract's (ours → contract), with the exception of open enums, explained at `Closed`;
//   * request bodies and query parameters: both directions, after `Wire` (explained there);
//   * both sides have the same property paths (`Paths`), because assignability alone lets either
//     side have an optional property the other lacks (width subtyping).
// Not covered, because the contract does not describe them: `verifyKeys` (GET /auth/verify_keys),
// the token endpoint behind `clientCredentials`, and the webhook delivery envelope.
import type {
  AccountGroup,
  AccountGroupEvent,
  AccountGroupList,
  AccountGroupUser,
  AccountGroups,
  BusinessAccountGroup,
  CloseOptions,
  CreateAccountGroupRequest,
  CreateBusinessAccountGroupRequest,
  CreateOptions,
  CreateUserAccountGroupRequest,
  IterateQuery,
  ListMeta,
  ListQuery,
  ProblemError,
  ResponseMeta,
  UserAccountGroup,
} from 'upvest-account-groups';
import type { components, operations } from './generated/openapi.js';

// ---------------------------------------------------------------------------------------------
// Type-level helpers.

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;
type Not<T extends boolean> = T extends true ? false : true;
type IsNever<T> = [T] extends [never] ? true : false;
/**
 * `A` is assignable to `B` (not distributed over unions). False when `A` is `never`: `never` fits
 * everything, so a lookup that went wrong (a renamed operation, a missing media type) would
 * otherwise pass unnoticed.
 */
type Extends<A, B> = IsNever<A> extends true ? false : [A] extends [B] ? true : false;
/** Each is assignable to the other (and neither is `never`). */
type Mutual<A, B> = Extends<A, B> extends true ? Extends<B, A> : false;
/** The very same type (not just mutually assignable): tells `string & {}` from `string`. */
type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/**
 * Every property path of a type, e.g. `"data[].users[].type"`, over every branch of a union.
 * Two types with the same paths have no property on one side that the other lacks, which
 * assignability alone does not show (an optional extra property passes both directions).
 */
type Paths<T, P extends string = ''> = T extends readonly (infer E)[]
  ? Paths<E, `${P}[]`>
  : T extends string | number | boolean | null | undefined
    ? never
    : T extends object
      ? { [K in keyof T & string]-?: `${P}${P extends '' ? '' : '.'}${K}` | Paths<T[K], `${P}${P extends '' ? '' : '.'}${K}`> }[keyof T & string]
      : never;
type SamePaths<A, B> = Mutual<Paths<A>, Paths<B>>; // Mutual: false if either has no paths at all

/** The open part of an `Open<…>` union, `string & {}`: every string fits it, yet it is not
 * `string` itself. */
type IsOpenPart<T> = string extends T ? Not<Same<T, string>> : false;

/**
 * The package's type with its open enums closed: every `string & {}` member (what `Open<…>` adds
 * to a union of literals) is removed, at any depth; a plain `string` stays (`Same` tells the two
 * apart, since they are mutually assignable).
 *
 * Why: the contract's enums are closed unions (`status: "PENDING_APPROVAL" | … | "LOCKED"`),
 * while its text says they are open in practice (Upvest adds values in minor releases, and
 * clients must keep unknown values). The package follows the text: `AccountGroupStatus`,
 * `AccountGroupUserRelation`, `ListMeta.order` and an event's `type` are `Open<…>`. So:
 *   * contract → ours holds for these fields as they are (a closed union fits an open one);
 *   * ours → contract can only hold for the closed part: `string & {}` is no contract value.
 * The checks below assert both facts: ours → contract fails as declared (a `Not<Extends<…>>`,
 * so that an enum that stops being open is noticed too), and holds once `Closed` is applied.
 */
type Closed<T> = T extends string
  ? IsOpenPart<T> extends true
    ? never
    : T
  : T extends readonly (infer E)[]
    ? Closed<E>[]
    : T extends object
      ? { [K in keyof T]: Closed<T[K]> }
      : T;

/**
 * An input type as it goes on the wire: the package's optional inputs are declared
 * `x?: T | undefined` (so that `{ limit: undefined }` type-checks under
 * exactOptionalPropertyTypes), and the core treats an `undefined` member as absent
 * (src/core/validate.rs: "A member that is present and not `undefined`"), so it is never sent.
 * The contract's optional members are `x?: T`. `Wire` drops the `| undefined` of optional members.
 */
type Wire<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** A result without the non-enumerable `lastResponse` (no part of the body), per union branch. */
type Body<T> = T extends unknown ? Omit<T, 'lastResponse'> : never;
/** The body a method's promise resolves with. */
type Resolved<F extends (...args: never[]) => unknown> = Body<Awaited<ReturnType<F>>>;

/** The 2xx statuses an operation declares. */
type Success<Op extends { responses: object }> = Extract<keyof Op['responses'], 200 | 201 | 202 | 203 | 204 | 206>;
/** The JSON body of an operation's response. */
type Json<Op extends { responses: object }, S extends keyof Op['responses']> = Op['responses'][S] extends {
  content: { 'application/json': infer B };
}
  ? B
  : never;
/** An operation's query parameters (absent when none are given). */
type Query<Op extends { parameters: { query?: unknown } }> = NonNullable<Op['parameters']['query']>;

/** `create`'s three overloads: user request, business request, either. */
type CreateOverloads = AccountGroups['create'] extends {
  (request: infer U, options?: infer _O1): infer UR;
  (request: infer B, options?: infer _O2): infer BR;
  (request: infer E, options?: infer _O3): infer ER;
}
  ? { user: [U, Body<Awaited<UR>>]; business: [B, Body<Awaited<BR>>]; either: [E, Body<Awaited<ER>>] }
  : never;

type S = components['schemas'];

// The helpers check what they claim (so that a check below cannot pass vacuously).
type _HelperExtends = Assert<Not<Extends<never, string>>>;
type _HelperMutual = Assert<Not<Mutual<{ a: string }, { a: string; b: string }>>>;
type _HelperPaths = Assert<Not<SamePaths<{ a?: string }, { a?: string; b?: string }>>>;
type _HelperPathsDeep = Assert<Extends<'data[].users[].type' | 'meta.order', Paths<AccountGroupList>>>;
type _HelperClosed = Assert<Same<Closed<'A' | 'B' | (string & {})>, 'A' | 'B'>>;
type _HelperClosedKeepsString = Assert<Same<Closed<string>, string>>;
type _HelperClosedDeep = Assert<Same<Closed<AccountGroupUser>['type'], 'OWNER' | 'CHILD' | 'GUARDIAN' | undefined>>;
type _HelperWire = Assert<Same<Wire<{ a?: string | undefined }>, { a?: string }>>;
type _HelperOverloads = Assert<
  Mutual<[CreateOverloads['user'][0], CreateOverloads['business'][0], CreateOverloads['either'][0]], [
    CreateUserAccountGroupRequest,
    CreateBusinessAccountGroupRequest,
    CreateAccountGroupRequest,
  ]>
>;

// ---------------------------------------------------------------------------------------------
// Shared schemas (each operation below uses them).

// AccountGroupUser: `type` is open in the package (AccountGroupUserRelation).
type _UserC2O = Assert<Extends<S['AccountGroupUser'], AccountGroupUser>>;
type _UserO2C_open = Assert<Not<Extends<AccountGroupUser, S['AccountGroupUser']>>>;
type _UserO2C_closed = Assert<Extends<Closed<AccountGroupUser>, S['AccountGroupUser']>>;
type _UserPaths = Assert<SamePaths<S['AccountGroupUser'], AccountGroupUser>>;

// A user group (contract: AccountGroup): `status` and `users[].type` are open in the package.
type _UserGroupC2O = Assert<Extends<S['AccountGroup'], UserAccountGroup>>;
type _UserGroupO2C_open = Assert<Not<Extends<UserAccountGroup, S['AccountGroup']>>>;
type _UserGroupO2C_closed = Assert<Extends<Closed<UserAccountGroup>, S['AccountGroup']>>;
type _UserGroupPaths = Assert<SamePaths<S['AccountGroup'], UserAccountGroup>>;
// The discriminant is closed on both sides (the package narrows on it).
type _UserGroupType = Assert<Mutual<S['AccountGroup']['type'], UserAccountGroup['type']>>;

// A business group (contract: BusinessAccountGroup): `status` is open in the package.
type _BusinessGroupC2O = Assert<Extends<S['BusinessAccountGroup'], BusinessAccountGroup>>;
type _BusinessGroupO2C_open = Assert<Not<Extends<BusinessAccountGroup, S['BusinessAccountGroup']>>>;
type _BusinessGroupO2C_closed = Assert<Extends<Closed<BusinessAccountGroup>, S['BusinessAccountGroup']>>;
type _BusinessGroupPaths = Assert<SamePaths<S['BusinessAccountGroup'], BusinessAccountGroup>>;
type _BusinessGroupType = Assert<Mutual<S['BusinessAccountGroup']['type'], BusinessAccountGroup['type']>>;

// Either group (contract: AccountGroupCreateResponse, a oneOf of the two).
type _GroupC2O = Assert<Extends<S['AccountGroupCreateResponse'], AccountGroup>>;
type _GroupO2C_open = Assert<Not<Extends<AccountGroup, S['AccountGroupCreateResponse']>>>;
type _GroupO2C_closed = Assert<Extends<Closed<AccountGroup>, S['AccountGroupCreateResponse']>>;
type _GroupPaths = Assert<SamePaths<S['AccountGroupCreateResponse'], AccountGroup>>;

// Enums, one by one. (`Exclude<…, undefined>`, not `NonNullable<…>`: NonNullable of an open union
// is `(… | (string & {})) & {}`, which TypeScript reduces to plain `string`, losing the literals.)
type _Status = Assert<Extends<S['AccountGroupStatus'], UserAccountGroup['status']>>;
type _StatusOpen = Assert<Not<Extends<UserAccountGroup['status'], S['AccountGroupStatus']>>>;
type _StatusClosed = Assert<Mutual<Closed<UserAccountGroup['status']>, S['AccountGroupStatus']>>;
type _Relation = Assert<Extends<S['AccountGroupUserRelation'], Exclude<AccountGroupUser['type'], undefined>>>;
type _RelationClosed = Assert<Mutual<Closed<Exclude<AccountGroupUser['type'], undefined>>, S['AccountGroupUserRelation']>>;
type _MetaOrderClosed = Assert<Mutual<Closed<Exclude<ListMeta['order'], undefined>>, Exclude<S['ListMeta']['order'], undefined>>>;

// ListMeta: `order` is open in the package.
type _MetaC2O = Assert<Extends<S['ListMeta'], ListMeta>>;
type _MetaO2C_open = Assert<Not<Extends<ListMeta, S['ListMeta']>>>;
type _MetaO2C_closed = Assert<Extends<Closed<ListMeta>, S['ListMeta']>>;
type _MetaPaths = Assert<SamePaths<S['ListMeta'], ListMeta>>;

// ---------------------------------------------------------------------------------------------
// POST /account_groups (create_account_group) ↔ AccountGroups.create.
type CreateOp = operations['create_account_group'];
type CreateBody = CreateOp['requestBody']['content']['application/json'];
type _CreateSuccess = Assert<Mutual<Success<CreateOp>, 200>>;

// The request body: the package's union and its two branches, both directions.
type _CreateReqEither = Assert<Mutual<CreateBody, Wire<CreateAccountGroupRequest>>>;
type _CreateReqUnion = Assert<
  Mutual<CreateBody, Wire<CreateUserAccountGroupRequest> | Wire<CreateBusinessAccountGroupRequest>>
>;
type _CreateReqUser = Assert<Mutual<S['AccountGroupCreateUserRequest'], Wire<CreateUserAccountGroupRequest>>>;
type _CreateReqBusiness = Assert<Mutual<S['AccountGroupCreateBusinessRequest'], Wire<CreateBusinessAccountGroupRequest>>>;
type _CreateReqUserPaths = Assert<SamePaths<S['AccountGroupCreateUserRequest'], CreateUserAccountGroupRequest>>;
type _CreateReqBusinessPaths = Assert<SamePaths<S['AccountGroupCreateBusinessRequest'], CreateBusinessAccountGroupRequest>>;
// `Wire` is needed: without it, `{ securities_account_number: undefined }` is a package input the
// contract's type does not admit (it is never sent; see `Wire`).
type _CreateReqNeedsWire = Assert<Not<Extends<CreateUserAccountGroupRequest, S['AccountGroupCreateUserRequest']>>>;

// The overloads take exactly the contract's request shapes.
type _CreateOverloadUserReq = Assert<Mutual<Wire<CreateOverloads['user'][0]>, S['AccountGroupCreateUserRequest']>>;
type _CreateOverloadBusinessReq = Assert<Mutual<Wire<CreateOverloads['business'][0]>, S['AccountGroupCreateBusinessRequest']>>;
type _CreateOverloadEitherReq = Assert<Mutual<CreateOverloads['either'][0], CreateAccountGroupRequest>>;

// The 200 body. The general overload resolves with either group, as the contract's oneOf:
type CreateRes = Json<CreateOp, 200>;
type _CreateResC2O = Assert<Extends<CreateRes, CreateOverloads['either'][1]>>;
type _CreateResO2C_open = Assert<Not<Extends<CreateOverloads['either'][1], CreateRes>>>;
type _CreateResO2C_closed = Assert<Extends<Closed<CreateOverloads['either'][1]>, CreateRes>>;
type _CreateResPaths = Assert<SamePaths<CreateRes, CreateOverloads['either'][1]>>;
// The narrower overloads rest on the contract's prose ("a business group when the request was a
// business request"), which its schema (a plain oneOf) cannot express: each overload's result
// matches the matching oneOf branch, and is a part of the 200 body.
type _CreateUserRes = Assert<Extends<S['AccountGroup'], CreateOverloads['user'][1]>>;
type _CreateUserResClosed = Assert<Extends<Closed<CreateOverloads['user'][1]>, S['AccountGroup']>>;
type _CreateUserResIn200 = Assert<Extends<Closed<CreateOverloads['user'][1]>, CreateRes>>;
type _CreateBusinessRes = Assert<Extends<S['BusinessAccountGroup'], CreateOverloads['business'][1]>>;
type _CreateBusinessResClosed = Assert<Extends<Closed<CreateOverloads['business'][1]>, S['BusinessAccountGroup']>>;
type _CreateBusinessResIn200 = Assert<Extends<Closed<CreateOverloads['business'][1]>, CreateRes>>;

// The idempotency-key header ↔ CreateOptions.idempotencyKey (a UUID string; the package makes one
// when absent, so it is optional there and required in the contract).
type _CreateIdempotencyKey = Assert<
  Mutual<CreateOp['parameters']['header']['idempotency-key'], Exclude<CreateOptions['idempotencyKey'], undefined>>
>;

// ---------------------------------------------------------------------------------------------
// GET /account_groups (list_account_groups) ↔ AccountGroups.list.
type ListOp = operations['list_account_groups'];
type _ListSuccess = Assert<Mutual<Success<ListOp>, 200>>;
type ListParams = Parameters<AccountGroups['list']>;
type _ListQuery = Assert<Mutual<Query<ListOp>, Wire<NonNullable<ListParams[0]>>>>;
type _ListQueryIsListQuery = Assert<Mutual<NonNullable<ListParams[0]>, ListQuery>>;
type _ListQueryPaths = Assert<SamePaths<Query<ListOp>, ListQuery>>;
type _ListQueryOptional = Assert<Extends<undefined, ListParams[0]>>; // every query member is optional in the contract

type ListRes = Json<ListOp, 200>;
type ListOurs = Resolved<AccountGroups['list']>;
type _ListOursIsList = Assert<Mutual<ListOurs, AccountGroupList>>;
type _ListResC2O = Assert<Extends<ListRes, ListOurs>>;
type _ListResO2C_open = Assert<Not<Extends<ListOurs, ListRes>>>;
type _ListResO2C_closed = Assert<Extends<Closed<ListOurs>, ListRes>>;
type _ListResPaths = Assert<SamePaths<ListRes, ListOurs>>;

// iterate's query: the same sort and order; pageSize is sent as `limit`.
type _IterateSortOrder = Assert<Mutual<Pick<Query<ListOp>, 'sort' | 'order'>, Wire<Pick<IterateQuery, 'sort' | 'order'>>>>;
type _IteratePageSize = Assert<Mutual<NonNullable<Query<ListOp>['limit']>, Exclude<IterateQuery['pageSize'], undefined>>>;
type _IterateItem = Assert<Mutual<AsyncIterableIterator<AccountGroup>, ReturnType<AccountGroups['iterate']>>>;
type _IterateItemC2O = Assert<Extends<ListRes['data'][number], AccountGroup>>;

// ---------------------------------------------------------------------------------------------
// GET /users/{user_id}/account_groups (list_user_account_groups) ↔ AccountGroups.listForUser.
type ListForUserOp = operations['list_user_account_groups'];
type _ListForUserSuccess = Assert<Mutual<Success<ListForUserOp>, 200>>;
type ListForUserParams = Parameters<AccountGroups['listForUser']>;
type _ListForUserPath = Assert<Mutual<ListForUserOp['parameters']['path']['user_id'], ListForUserParams[0]>>;
type _ListForUserQuery = Assert<Mutual<Query<ListForUserOp>, Wire<NonNullable<ListForUserParams[1]>>>>;
type _ListForUserQueryPaths = Assert<SamePaths<Query<ListForUserOp>, NonNullable<ListForUserParams[1]>>>;

type ListForUserRes = Json<ListForUserOp, 200>;
type ListForUserOurs = Resolved<AccountGroups['listForUser']>;
type _ListForUserResC2O = Assert<Extends<ListForUserRes, ListForUserOurs>>;
type _ListForUserResO2C_open = Assert<Not<Extends<ListForUserOurs, ListForUserRes>>>;
type _ListForUserResO2C_closed = Assert<Extends<Closed<ListForUserOurs>, ListForUserRes>>;
type _ListForUserResPaths = Assert<SamePaths<ListForUserRes, ListForUserOurs>>;
type _IterateForUserPath = Assert<Mutual<ListForUserOp['parameters']['path']['user_id'], Parameters<AccountGroups['iterateForUser']>[0]>>;
type _IteratePagesForUserPath = Assert<Mutual<ListForUserOp['parameters']['path']['user_id'], Parameters<AccountGroups['iteratePagesForUser']>[0]>>;

// ---------------------------------------------------------------------------------------------
// GET /account_groups/{account_group_id} (retrieve_account_group) ↔ AccountGroups.get.
type GetOp = operations['retrieve_account_group'];
type _GetSuccess = Assert<Mutual<Success<GetOp>, 200>>;
type _GetPath = Assert<Mutual<GetOp['parameters']['path']['account_group_id'], Parameters<AccountGroups['get']>[0]>>;
type _GetNoQuery = Assert<Extends<GetOp['parameters']['query'], undefined>>; // `query?: never`

type GetRes = Json<GetOp, 200>;
type GetOurs = Resolved<AccountGroups['get']>;
type _GetResC2O = Assert<Extends<GetRes, GetOurs>>;
type _GetResO2C_open = Assert<Not<Extends<GetOurs, GetRes>>>;
type _GetResO2C_closed = Assert<Extends<Closed<GetOurs>, GetRes>>;
type _GetResPaths = Assert<SamePaths<GetRes, GetOurs>>;

// ---------------------------------------------------------------------------------------------
// DELETE /account_groups/{account_group_id} (account_group_closure) ↔ AccountGroups.close.
type CloseOp = operations['account_group_closure'];
type _CloseSuccess = Assert<Mutual<Success<CloseOp>, 202>>;
type CloseParams = Parameters<AccountGroups['close']>;
type _ClosePath = Assert<Mutual<CloseOp['parameters']['path']['account_group_id'], CloseParams[0]>>;
type _CloseQuery = Assert<Mutual<Query<CloseOp>, Wire<NonNullable<CloseParams[1]>>>>;
type _CloseQueryIsCloseOptions = Assert<Mutual<NonNullable<CloseParams[1]>, CloseOptions>>;
type _CloseQueryPaths = Assert<SamePaths<Query<CloseOp>, CloseOptions>>;
type _CloseReason = Assert<Mutual<S['ClosureReason'], Exclude<CloseOptions['closure_reason'], undefined>>>;
// 202 has no body; `close` resolves with the response's metadata only.
type _CloseNoBody = Assert<Extends<CloseOp['responses'][202]['content'], undefined>>; // `content?: never`
type _CloseResult = Assert<Mutual<Awaited<ReturnType<AccountGroups['close']>>, ResponseMeta>>;

// ---------------------------------------------------------------------------------------------
// Every response's `upvest-request-id` header ↔ ResponseMeta.requestId. The contract makes it
// required; the package also allows `undefined` (a response without it), so only contract → ours.
type _RequestIdC2O = Assert<Extends<components['headers']['UpvestRequestId'], ResponseMeta['requestId']>>;
type _RequestIdClosed = Assert<Mutual<components['headers']['UpvestRequestId'], Exclude<ResponseMeta['requestId'], undefined>>>;
type _StatusCodes = Assert<Extends<Success<CreateOp> | Success<ListOp> | Success<ListForUserOp> | Success<GetOp> | Success<CloseOp>, ResponseMeta['status']>>;

// ---------------------------------------------------------------------------------------------
// Error bodies (components/schemas/Error, application/problem+json) ↔ ProblemError's fields.
// ProblemError is a class, not the body: it renames `request_id` to `requestId`, keeps the body
// as `problem`, and gives `undefined` for an absent optional member.
type Problem = S['Error'];
type ProblemFields = {
  type: ProblemError['type'];
  status: ProblemError['status'];
  title?: Exclude<ProblemError['title'], undefined>;
  detail?: Exclude<ProblemError['detail'], undefined>;
  instance?: Exclude<ProblemError['instance'], undefined>;
  request_id?: Exclude<ProblemError['requestId'], undefined>;
};
type _ProblemFields = Assert<Mutual<Problem, ProblemFields>>;
type _ProblemPaths = Assert<SamePaths<Problem, ProblemFields>>;
type _ProblemKept = Assert<Extends<Problem, NonNullable<ProblemError['problem']>>>;

// ---------------------------------------------------------------------------------------------
// The account group webhook event (components/schemas/AccountGroupEvent) ↔ AccountGroupEvent
// (its default type parameter: any event type, open).
type _EventC2O = Assert<Extends<S['AccountGroupEvent'], AccountGroupEvent>>;
type _EventO2C_open = Assert<Not<Extends<AccountGroupEvent, S['AccountGroupEvent']>>>;
type _EventO2C_closed = Assert<Extends<Closed<AccountGroupEvent>, S['AccountGroupEvent']>>;
type _EventPaths = Assert<SamePaths<S['AccountGroupEvent'], AccountGroupEvent>>;
type _EventTypeClosed = Assert<Mutual<Closed<AccountGroupEvent['type']>, S['AccountGroupEventType']>>;
