// @ts-check
// The Node entry for `import` (pkg/node/index.mjs), over the CommonJS build, so that `import` and
// `require` share one instance of every class. It loads it with `require` rather than `import`:
// importing CommonJS makes Node scan its text for export names first, which cost more than the
// rest of loading the package. Copied as it is; tests/unit/entries.test.mjs holds its names to
// js/index.js's.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./index.cjs');

export const {
  AccountGroups,
  clientCredentials,
  collect,
  createUpvestSigner,
  parseWebhookEvents,
  WebhookDeduplicator,
  createWebhookVerifier,
  createWebhookReceiver,
  MemoryWebhookStore,
  isAccountGroupEvent,
  isAccountGroupCreated,
  isAccountGroupActivated,
  isAccountGroupClosingInitiated,
  isAccountGroupClosed,
  isAccountGroupLocked,
  USER_ACCOUNT_GROUP_TYPES,
  BUSINESS_ACCOUNT_GROUP_TYPES,
  ACCOUNT_GROUP_STATUSES,
  ACCOUNT_GROUP_USER_RELATIONS,
  SORT_FIELDS,
  SORT_ORDERS,
  CLOSURE_REASONS,
  ACCOUNT_GROUP_EVENT_TYPES,
  SANDBOX_BASE_URL,
  PRODUCTION_BASE_URL,
  UpvestError,
  ProblemError,
  InvalidInputError,
  NetworkError,
  TimeoutError,
  SignerError,
  ResponseError,
  WebhookError,
  WebhookVerificationError,
} = cjs;
