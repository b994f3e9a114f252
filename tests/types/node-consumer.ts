// A strict TypeScript consumer in Node (with @types/node): the webhook receiver's listener fits
// node:http and Express, and upvest-account-groups/bullmq takes a BullMQ Queue (5 and 6).
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import { Queue as Queue5 } from 'bullmq5';
import { createWebhookReceiver, createWebhookVerifier } from 'upvest-account-groups';
import { BullMQWebhookStore } from 'upvest-account-groups/bullmq';

const queue = new Queue('upvest-events', { connection: { host: '127.0.0.1', port: 6379 } });
const store = new BullMQWebhookStore({ queue, deduplicationWindowMs: 14 * 24 * 3600 * 1000 });
new BullMQWebhookStore({ queue: new Queue5('upvest-events', { connection: { host: '127.0.0.1', port: 6379 } }) });
const receiver = createWebhookReceiver({ verify: createWebhookVerifier({ keys: { keys: [] } }), store });
export const server = createServer(receiver.listener);
export const closed: Promise<void> = store.close();
// @ts-expect-error a store needs a queue
new BullMQWebhookStore({});
