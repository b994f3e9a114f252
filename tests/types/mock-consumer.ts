// A strict TypeScript consumer of upvest-account-groups/mock's declarations, with the client.
import { AccountGroups, createWebhookVerifier, parseWebhookEvents } from 'upvest-account-groups';
import { createMock, type FaultRule, type Mock, type MockOptions, type MockRequest, type WebhookDelivery, type WebhookDeliveryLoop, type WebhookTarget } from 'upvest-account-groups/mock';

export async function inProcess(): Promise<number> {
  const mock: Mock = await createMock({ seed: 20, strictTokens: false, maxGroups: 100 });
  const client = new AccountGroups({ clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 't', baseUrl: mock.url, fetch: mock.fetch });
  const rules: FaultRule[] = [{ method: 'POST', path: '/account_groups', times: 2, status: 503, retry_after: 1 }];
  const count: number = mock.faults(rules);
  const page = await client.list({ limit: 5 });
  const sent: MockRequest[] = mock.requests({ since: 0 });
  const server = await mock.listen({ port: 0 });
  const url: string = server.url;
  await server.close();
  mock.reset();
  const deliveries: WebhookDelivery[] = mock.webhookDeliveries('http://127.0.0.1:4000/hooks');
  // The mock's keys are the verifier's key set, whether given as they are or by a function.
  const verify = createWebhookVerifier({ keys: async () => mock.verifyKeys() });
  createWebhookVerifier({ keys: mock.verifyKeys() });
  for (const { method, url, headers, body } of deliveries) await parseWebhookEvents(body, { verify, method, url, headers });
  // Round-robin across replicas: URLs, and Fetch-API handlers called in process.
  const replicas: readonly string[] = ['http://127.0.0.1:4001/hooks', 'http://127.0.0.1:4002/hooks'];
  mock.webhookDeliveries(replicas);
  const handler = async (request: Request): Promise<Response> => new Response(null, { status: request.method === 'POST' ? 200 : 405 });
  const targets: readonly WebhookTarget[] = [...replicas, new URL('http://127.0.0.1:4003/hooks'), handler];
  const loop: WebhookDeliveryLoop = mock.deliverWebhooks({ targets, retryBaseMs: 10, handlerUrl: 'http://127.0.0.1/webhooks' });
  const attempts: number = loop.delivered + loop.failedAttempts;
  await loop.stop();
  // @ts-expect-error a target is a URL or a handler
  mock.deliverWebhooks({ targets: [42] });
  // @ts-expect-error an option the mock does not have
  await createMock({ seeds: 3 });
  // @ts-expect-error seed is a number
  await createMock({ seed: '3' });
  // @ts-expect-error a fault rule needs a path
  mock.faults([{ status: 503 }]);
  return count + page.data.length + sent.length + url.length + deliveries.length + attempts + mock.stats().requests_seen;
}

// Settings read from elsewhere are `T | undefined`; under exactOptionalPropertyTypes an optional
// field of the mock's still takes `undefined`, as the mock does at run time ("not given").
export async function fromSettings(mock: Mock, settings: Record<string, string | undefined>): Promise<number> {
  const server = await mock.listen({ port: settings.PORT === undefined ? undefined : Number(settings.PORT) });
  await server.close();
  const since = settings.SINCE === undefined ? undefined : Number(settings.SINCE);
  const status = settings.STATUS === undefined ? undefined : Number(settings.STATUS);
  const rule: FaultRule = {
    path: '/account_groups/*',
    method: settings.METHOD,
    times: undefined,
    delay_ms: undefined,
    status,
    retry_after: status === undefined ? undefined : 0,
    detail: settings.DETAIL,
    drop: undefined,
    malformed: undefined,
  };
  const options: MockOptions = { seed: undefined, closeDelayMs: undefined, verifyKey: settings.KEY };
  return mock.faults([rule]) + mock.requests({ since }).length + (await createMock(options)).stats().groups;
}
