// A webhook receiver for account-group events (npm install upvest-account-groups bullmq ioredis;
// REDIS_URL=redis://… node examples/webhook-receiver.mjs). The README shows this file;
// tests/node/webhooks.test.mjs runs it as written. Run as many copies as you like behind a load
// balancer: each event becomes one BullMQ job, once.
import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import { AccountGroups, createWebhookReceiver, createWebhookVerifier, isAccountGroupEvent, WebhookError } from 'upvest-account-groups';
import { BullMQWebhookStore } from 'upvest-account-groups/bullmq';

// The client fetches Upvest's webhook keys (GET /auth/verify_keys: its token needs the scope
// webhooks:read); the verifier asks for them on the first delivery, and again when Upvest
// rotates its key.
const client = new AccountGroups({
  baseUrl: process.env.UPVEST_BASE_URL ?? 'https://sandbox.upvest.co',
  clientId: process.env.UPVEST_CLIENT_ID,
  accessToken: process.env.UPVEST_ACCESS_TOKEN,
});
const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: redis.hostname, port: Number(redis.port || 6379) };
const queue = new Queue('upvest-events', { connection, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true } });
// While Redis is away, deliveries are answered 503 and come again; say so once per error.
queue.on('error', (error) => console.error(`queue: ${error.message}`));

// Answers Upvest 200 once a delivery's events are jobs in the queue; 401 to what Upvest did not
// sign; 503 while Redis is away (Upvest delivers again).
const receiver = createWebhookReceiver({
  verify: createWebhookVerifier({ keys: ({ signal }) => client.verifyKeys({ signal }) }),
  store: new BullMQWebhookStore({ queue }),
  onError: (error, { status }) => console.error(error instanceof WebhookError ? `${error.code}: ${error.message}` : `${status}: ${error}`),
});
const server = http.createServer(receiver.listener);

// The events are processed here, after the answer (in production, in a process of its own). A
// job may run more than once (a worker that dies mid-job is retried): keep handlers idempotent
// on job.id, the event id.
const worker = new Worker(
  'upvest-events',
  async (job) => {
    const event = job.data;
    if (isAccountGroupEvent(event)) console.log(`${job.name} ${event.object.id} ${event.object.status}`);
  },
  { connection },
);
worker.on('error', (error) => console.error(`worker: ${error.message}`));

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
