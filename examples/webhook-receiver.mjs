// A webhook receiver for account-group events: node examples/webhook-receiver.mjs
// (the README shows this file; tests/node/webhooks.test.mjs runs it as written).
import http from 'node:http';
import {
  AccountGroups,
  createWebhookVerifier,
  isAccountGroupEvent,
  parseWebhookEvents,
  WebhookDeduplicator,
  WebhookError,
} from 'upvest-account-groups';

// The client fetches Upvest's webhook keys (GET /auth/verify_keys: its token needs the scope
// webhooks:read); the verifier asks for them on the first delivery, and again when Upvest
// rotates its key.
const client = new AccountGroups({
  baseUrl: process.env.UPVEST_BASE_URL ?? 'https://sandbox.upvest.co',
  clientId: process.env.UPVEST_CLIENT_ID,
  accessToken: process.env.UPVEST_ACCESS_TOKEN,
});
const verify = createWebhookVerifier({ keys: ({ signal }) => client.verifyKeys({ signal }) });
const seen = new WebhookDeduplicator({ size: 10_000 });
const MAX_BODY_BYTES = 1024 * 1024;

/** The body, or undefined as soon as it is (or says it will be) larger than `limit`: from then on
 * nothing more of it is kept, and Node discards the rest once the answer is sent. */
function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length']) > limit) return resolve(undefined);
    const chunks = [];
    let size = 0;
    const keep = (chunk) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      request.off('data', keep);
      resolve(undefined);
    };
    request.on('data', keep).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

const server = http.createServer(async (request, response) => {
  try {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === undefined) return response.writeHead(413).end();
    // Refuses (WebhookError) a body that is too large, not signed by Upvest, or not events.
    const events = await parseWebhookEvents(body, {
      method: request.method,
      url: request.url,
      headers: request.headers,
      verify,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    for (const event of seen.filter(events)) {
      if (isAccountGroupEvent(event)) console.log(`${event.type} ${event.object.id} ${event.object.status}`);
    }
    response.writeHead(200).end();
  } catch (error) {
    // A refused delivery is a 400; a failure on this side (the keys could not be fetched, a bug)
    // a 5xx. Upvest delivers again until it gets a 2xx.
    const refused = error instanceof WebhookError && error.code !== 'key-source-failed';
    console.error(error instanceof WebhookError ? `${error.code}: ${error.message}` : error);
    response.writeHead(refused ? 400 : error instanceof WebhookError ? 503 : 500).end();
  }
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
