// A webhook receiver for account-group events: node examples/webhook-receiver.mjs
// (the README shows this file; tests/node/webhooks.test.mjs runs it as written).
import http from 'node:http';
import { parseWebhookEvents, WebhookDeduplicator, WebhookError, isAccountGroupEvent } from 'upvest-account-groups';

const seen = new WebhookDeduplicator({ size: 10_000 });

const server = http.createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    const events = await parseWebhookEvents(Buffer.concat(chunks), {
      method: request.method,
      url: request.url,
      headers: request.headers,
      // Check Upvest's webhook signature here (v6, keys from GET /auth/verify_keys); throw to refuse.
      verify: async () => {},
    });
    for (const event of seen.filter(events)) {
      if (isAccountGroupEvent(event)) console.log(`${event.type} ${event.object.id} ${event.object.status}`);
    }
    response.writeHead(200).end();
  } catch (error) {
    console.error(error instanceof WebhookError ? error.message : error);
    response.writeHead(error instanceof WebhookError ? 400 : 500).end();
  }
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
