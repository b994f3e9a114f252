// What every webhook store must do (the WebhookStore interface in js/types.d.ts), as cases any
// store can be run through: tests/node/webhook-stores.test.mjs runs them against
// MemoryWebhookStore and against BullMQWebhookStore on a real Redis (BullMQ 6 and 5). A store of
// one's own (Postgres, say) runs them the same way.
//
// A harness gives: `store()` a store (a second call: another replica's, on the same backend),
// `recorded()` every event recorded so far as { id, type, event } (each time it is recorded),
// `settle()` (the backend's jobs done and, where it removes completed jobs, removed), and
// `quarantined()` the quarantined deliveries as { id, body (string), reason }.
import { deepEqual, equal } from 'node:assert/strict';

let counter = 0;
/** An event record with a fresh id. */
export function eventRecord(type = 'ACCOUNT_GROUP.CREATED') {
  const id = crypto.randomUUID();
  counter += 1;
  return { id, type, event: { id, type, created_at: new Date(Date.UTC(2026, 11, 1, 0, 0, counter)).toISOString(), webhook_id: crypto.randomUUID(), object: { id: crypto.randomUUID(), n: counter } } };
}

const context = () => ({ signal: new AbortController().signal });
const ids = (records) => records.map((r) => r.id).sort();

export const storeContractCases = {
  async 'records each event once, as given: id, type, the event as sent'(h) {
    const store = await h.store();
    const [a, b, c] = [eventRecord(), eventRecord('ACCOUNT_GROUP.CLOSED'), eventRecord('SOMETHING.NEW_LATER')];
    await store.record([a, b], context());
    await store.record([b, c], context());
    const recorded = await h.recorded();
    deepEqual(ids(recorded), ids([a, b, c]), 'b, delivered twice, is recorded once');
    for (const sent of [a, b, c]) {
      const got = recorded.find((r) => r.id === sent.id);
      deepEqual({ type: got.type, event: got.event }, { type: sent.type, event: sent.event });
    }
  },

  async 'an id twice in one delivery is recorded once'(h) {
    const store = await h.store();
    const a = eventRecord();
    await store.record([a, a, eventRecord()], context());
    equal((await h.recorded()).filter((r) => r.id === a.id).length, 1);
  },

  async 'the same delivery to two replicas at the same moment: each event once'(h) {
    const [one, two] = [await h.store(), await h.store()];
    const delivery = Array.from({ length: 50 }, () => eventRecord());
    await Promise.all([one.record(delivery, context()), two.record(delivery, context()), one.record(delivery, context())]);
    deepEqual(ids(await h.recorded()), ids(delivery));
  },

  async 'an event delivered again after its job was done (and removed) is not recorded again'(h) {
    const store = await h.store();
    const delivery = [eventRecord(), eventRecord()];
    await store.record(delivery, context());
    await h.settle();
    await store.record(delivery, context());
    await h.settle();
    deepEqual(ids(await h.recorded()), ids(delivery));
  },

  async 'an empty delivery records nothing'(h) {
    const store = await h.store();
    await store.record([], context());
    deepEqual(await h.recorded(), []);
  },

  async 'a quarantined delivery is kept once, its body whole'(h) {
    const store = await h.store();
    const body = new TextEncoder().encode('{"payload":"not events"}');
    const delivery = { id: `sha256-${'ab'.repeat(32)}`, body, reason: 'payload must be an array of events', receivedAt: new Date().toISOString() };
    await store.quarantine(delivery, context());
    await store.quarantine({ ...delivery, receivedAt: new Date().toISOString() }, context());
    const kept = await h.quarantined();
    equal(kept.length, 1);
    deepEqual({ id: kept[0].id, body: kept[0].body, reason: kept[0].reason }, { id: delivery.id, body: '{"payload":"not events"}', reason: delivery.reason });
  },
};
