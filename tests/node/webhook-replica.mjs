// One replica of a webhook receiver, as a user would run it behind a load balancer: a node:http
// server on 127.0.0.1 whose listener is createWebhookReceiver({ verify, store }) with the
// deliveries verified against a JWKS (JSON in UPVEST_TEST_JWKS) and recorded by a
// BullMQWebhookStore over a BullMQ 6 Queue on the given Redis. Spawned by
// webhook-cluster.test.mjs and bench/webhooks.mjs. (Not a test file.)
//
// Usage: node tests/node/webhook-replica.mjs --port N --redis-port N --queue NAME
//          [--store-timeout-ms N] [--log] [--floor]
// Prints `ready <port>` once it listens; with --log, `start` when a request comes and
// `answer <status>` when it is answered (stdout to a pipe is synchronous on Linux, so a line
// printed is a line the parent sees, even after a SIGKILL). With --floor, it is no receiver but
// a bare server that reads the body and answers 200 (the benchmark's floor), without Redis.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { createWebhookReceiver, createWebhookVerifier } from '../../pkg/node/index.mjs';
import { BullMQWebhookStore } from '../../pkg/bullmq/index.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'redis-port': { type: 'string' },
    queue: { type: 'string' },
    'store-timeout-ms': { type: 'string', default: '500' },
    log: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
  },
});
const log = values.log ? (line) => process.stdout.write(`${line}\n`) : () => {};

let listener;
let queue;
if (values.floor) {
  listener = async (request, response) => {
    for await (const _chunk of request);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
} else {
  // Reconnect every 100 ms (BullMQ's default waits at least 1 s), so a restarted Redis is found soon.
  const connection = { host: '127.0.0.1', port: Number(values['redis-port']), retryStrategy: () => 100 };
  queue = new Queue(values.queue, { connection });
  // A Queue re-emits its connection's errors (Redis going away); without a listener BullMQ prints each.
  queue.on('error', () => {});
  const verify = createWebhookVerifier({ keys: JSON.parse(process.env.UPVEST_TEST_JWKS) });
  const store = new BullMQWebhookStore({ queue });
  const receiver = createWebhookReceiver({
    verify,
    store,
    storeTimeoutMs: Number(values['store-timeout-ms']),
    onError: (error, { status, stage }) => log(`error ${stage} ${status} ${String(error?.message ?? error).split('\n')[0]}`),
  });
  listener = (request, response) => {
    log('start');
    response.once('finish', () => log(`answer ${response.statusCode}`));
    receiver.listener(request, response);
  };
}

const server = http.createServer(listener);
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port ?? 0), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  Promise.resolve(queue?.close())
    .catch(() => {})
    .finally(() => process.exit(0));
});
