// The checks every environment runs, in Node, Bun, Deno, a browser page, a Next.js route and a
// Cloudflare Worker alike: create a group, read it back, list, iterate over every page, a 404
// caught with `instanceof ProblemError`, and a webhook receiver's `handle` (a Fetch-API Request
// in, a Response out) recording a delivery once and keeping one that is not events. Plain ES2022 with no imports, so that every bundler
// and runtime takes it as it is. Resolves with a small summary; throws on the first failed check.
// Meant for a mock started with `--seed N` (N > 7, so that iterating crosses pages).

const CLIENT_ID = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const USER_ID = '413715f2-5401-4b97-8055-034a6b879f8c';
const MISSING_ID = '9d95820d-4333-46b6-98de-04ab7512e76f';
const PAGE_SIZE = 7;

function expect(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export async function runChecks({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore }, baseUrl) {
  expect(typeof AccountGroups === 'function', `AccountGroups is a ${typeof AccountGroups}`);
  expect(typeof ProblemError === 'function', `ProblemError is a ${typeof ProblemError}`);
  expect(typeof baseUrl === 'string' && baseUrl !== '', `no mock URL given (${baseUrl})`);
  // Counts the pages iterate() fetches (the hook is called before the call it observes settles).
  let pagesFetched = 0;
  let iterating = false;
  const onResponse = ({ method, path, status }) => {
    if (iterating && method === 'GET' && path === '/account_groups' && status === 200) pagesFetched += 1;
  };
  const client = new AccountGroups({ baseUrl, clientId: CLIENT_ID, accessToken: 'env-test', onResponse });

  const created = await client.create({ user_id: USER_ID, type: 'PERSONAL' });
  expect(created.type === 'PERSONAL' && typeof created.id === 'string', `create gave ${JSON.stringify(created)}`);
  const fetched = await client.get(created.id);
  expect(fetched.id === created.id, `get(${created.id}) gave ${fetched.id}`);

  const page = await client.list({ limit: PAGE_SIZE });
  const total = page.meta.total_count;
  expect(total > PAGE_SIZE, `total_count ${total} is not more than one page of ${PAGE_SIZE}`);

  const ids = new Set();
  iterating = true;
  for await (const group of client.iterate({ pageSize: PAGE_SIZE })) ids.add(group.id);
  iterating = false;
  expect(ids.size === total, `iterate gave ${ids.size} distinct groups, total_count is ${total}`);
  expect(ids.has(created.id), 'iterate includes the new group');
  const pages = Math.ceil(total / PAGE_SIZE);
  expect(pagesFetched === pages, `iterate fetched ${pagesFetched} pages of ${PAGE_SIZE} for ${total} groups, not ${pages}`);

  let missing;
  try {
    await client.get(MISSING_ID);
  } catch (error) {
    missing = error;
  }
  expect(missing instanceof ProblemError, `get(missing) gave ${missing === undefined ? 'no error' : `${missing?.name}: ${missing?.message}`}, not a ProblemError`);
  expect(missing.status === 404, `get(missing) gave status ${missing.status}`);

  const webhooks = await receiverChecks({ createWebhookReceiver, MemoryWebhookStore }, created);

  return {
    webhooks,
    created: created.id,
    listed: page.data.length,
    total,
    iterated: ids.size,
    pages: pagesFetched,
    notFound: missing.status,
    requestId: missing.requestId,
  };
}

/** A receiver over a memory store, through the platform's own Request and Response. */
async function receiverChecks({ createWebhookReceiver, MemoryWebhookStore }, group) {
  expect(typeof createWebhookReceiver === 'function', `createWebhookReceiver is a ${typeof createWebhookReceiver}`);
  const store = new MemoryWebhookStore();
  const receiver = createWebhookReceiver({ verify: false, store });
  const event = { id: crypto.randomUUID(), created_at: group.created_at, type: 'ACCOUNT_GROUP.CREATED', webhook_id: crypto.randomUUID(), object: group };
  const post = (body) => receiver.handle(new Request('http://127.0.0.1/upvest/webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
  const delivery = JSON.stringify({ payload: [event] });
  for (const attempt of ['first', 'again']) {
    const answer = await post(delivery);
    expect(answer instanceof Response && answer.status === 200, `the ${attempt} delivery was answered ${answer?.status}`);
  }
  const recorded = store.take();
  expect(recorded.length === 1 && recorded[0].id === event.id, `recorded ${JSON.stringify(recorded.map((r) => r.id))}, not once ${event.id}`);
  const odd = await post('{"payload":"not events"}');
  const [kept] = store.quarantined();
  expect(odd.status === 200 && /^sha256-[0-9a-f]{64}$/.test(kept?.id ?? ''), `a body that is not events was answered ${odd.status}, kept as ${kept?.id}`);
  return { recorded: recorded.length, quarantined: store.quarantined().length };
}

/** An account of anything thrown (name, message, stack), for pages and servers to report. */
export function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`;
  return `thrown: ${String(error)}`;
}
