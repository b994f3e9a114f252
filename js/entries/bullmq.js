// @ts-check
// upvest-account-groups/bullmq (pkg/bullmq/index.mjs and index.cjs): the BullMQ webhook store,
// for Node. scripts/assemble-pkg.mjs resolves its errors to the main entry, by the package's own
// name (which Node resolves to the same file however the store is loaded), so `instanceof` holds
// across entries; bullmq itself is the caller's queue.
export { BullMQWebhookStore } from '../bullmq-webhook-store.js';
