// @ts-check
// The package's public names (but the constants, which the entry modules add from the core's
// model). The entry modules instantiate the wasm, hand its exports to `./core.js`, and re-export
// these.

export { AccountGroups, clientCredentials } from './client.js';
export { collect } from './collect.js';
export { createUpvestSigner } from './signer.js';
export { parseWebhookEvents, WebhookDeduplicator } from './webhook-events.js';
export { createWebhookVerifier } from './webhook-verifier.js';
export { createWebhookReceiver } from './webhook-receiver.js';
export { MemoryWebhookStore } from './memory-webhook-store.js';
export {
  isAccountGroupEvent,
  isAccountGroupCreated,
  isAccountGroupActivated,
  isAccountGroupClosingInitiated,
  isAccountGroupClosed,
  isAccountGroupLocked,
} from './webhooks.js';
// The API's enum values, generated from api/src: for pickers, checks and exhaustive switches.
export * from './vocabulary.js';
export {
  UpvestError,
  ProblemError,
  InvalidInputError,
  NetworkError,
  TimeoutError,
  SignerError,
  ResponseError,
  WebhookError,
  WebhookVerificationError,
} from './errors.js';
