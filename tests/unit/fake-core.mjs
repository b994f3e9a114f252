// A scripted stand-in for the wasm core, for unit tests of the JavaScript that run from the
// source in js/ with no cargo and no wasm build (npm run test:unit). It answers only what the
// modules under test ask of it, in the core's terms; what the real core decides is tested
// against the real core in tests/node/. (Not a test file.)
import { bindCore } from '../../js/core.js';
import { WebhookError } from '../../js/errors.js';
import { webhookDigest, webhookSignature } from './fake-webhook-signature.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The core's reading of a delivery, reduced to what the receiver needs: `{ payload: [events] }`
 * whose events have UUID ids and a CATEGORY.ACTION type; anything else a WebhookError 'shape'. */
function webhookEvents(parsed) {
  const payload = parsed?.payload;
  if (!Array.isArray(payload)) throw new WebhookError('Invalid webhook delivery: payload must be an array of events', { code: 'shape' });
  payload.forEach((event, i) => {
    if (!UUID.test(event?.id ?? '') || !/^[A-Z_]+\.[A-Z_]+$/.test(event?.type ?? '')) {
      throw new WebhookError(`Invalid webhook delivery: payload[${i}] is not an event`, { code: 'shape' });
    }
  });
  return payload;
}

bindCore(/** @type {any} */ ({ webhookEvents, webhookSignature, webhookDigest }));
