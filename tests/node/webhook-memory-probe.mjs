// Run by tests/node/webhooks.test.mjs as `node --expose-gc webhook-memory-probe.mjs <package entry>`
// (not a test file itself): hands parseWebhookEvents a 300 MiB delivery, refused at the default
// limit and then parsed under a raised one, and prints as JSON the resident set size before,
// after the refusal and after the parse, each measured once the body is dropped and collected.
// Wasm memory never shrinks: a body copied into it would stay in the last two figures.
const api = await import(process.argv[2]);

const SIZE = 300 * 1024 * 1024;
/** RSS once collecting no longer lowers it (by a MiB in 50 ms; at most 2 s, for a busy machine
 * that returns memory late). */
const settledRss = async () => {
  let last = Infinity;
  for (let i = 0; i < 40; i += 1) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rss = process.memoryUsage().rss;
    if (i >= 2 && rss > last - 1024 * 1024) return rss;
    last = rss;
  }
  return last;
};

/** One event whose object carries a string that makes the body SIZE bytes long. */
function hugeDelivery() {
  const event = { id: '72da9e41-9926-419f-976e-4c8069a04249', created_at: '2021-07-21T14:10:00.00Z', type: 'USER.CREATED', webhook_id: '9df39835-be87-4243-9018-f2500b39cee6', object: { padding: '' } };
  const [head, tail] = JSON.stringify({ payload: [event] }).split('""');
  const body = Buffer.alloc(SIZE, 'a');
  body.write(`${head}"`, 0);
  body.write(`"${tail}`, SIZE - tail.length - 1);
  return body;
}

// Once, so that the package's own start-up (the wasm instance, its first allocations) is in the
// baseline.
await api.parseWebhookEvents(JSON.stringify({ payload: [] }), { verify: false });
const before = await settledRss();
let refused = await api.parseWebhookEvents(hugeDelivery(), { verify: false }).catch((error) => error);
const refusal = { name: refused.name, code: refused.code };
refused = undefined;
const afterRefused = await settledRss();
let events = await api.parseWebhookEvents(hugeDelivery(), { maxBodyBytes: SIZE, verify: false });
const parsed = { count: events.length, paddingLength: events[0].object.padding.length };
events = undefined;
const afterParsed = await settledRss();
console.log(JSON.stringify({ size: SIZE, refusal, parsed, before, afterRefused, afterParsed }));
