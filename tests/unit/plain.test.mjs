// Defensive reading of caller values (js/plain.js, js/members.js) from their source: copies hold
// own enumerable data only, with no prototype; getters and Proxy traps run here, and what they
// throw is an InvalidInputError naming the field; hostile lengths, depths and cycles end; a
// polluted Object.prototype adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '../../js/errors.js';
import { bare, inherent, method, own } from '../../js/members.js';
import { member, plain, splitOptions } from '../../js/plain.js';

/** An InvalidInputError with these fields. */
const invalid = (fields) => (error) => error instanceof InvalidInputError && Object.entries(fields).every(([name, value]) => error[name] === value);

/** Runs `body` with `names` added to Object.prototype (as a dependency's deep-merge bug would),
 * then removes them. */
function polluted(names, body) {
  for (const [name, value] of Object.entries(names)) Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true, enumerable: true });
  try {
    return body();
  } finally {
    for (const name of Object.keys(names)) delete Object.prototype[name];
  }
}

test('a copy of own enumerable data, with no prototype; arrays stay arrays', () => {
  class Query {
    constructor() {
      this.limit = 3;
    }
    get derived() {
      return 'class getters are not copied';
    }
  }
  const source = Object.create({ inherited: 1 }, { hidden: { value: 2, enumerable: false } });
  source.shown = { list: [1, 'two', null, { deep: true }], query: new Query() };
  const copy = plain(source, 'options');
  assert.equal(Object.getPrototypeOf(copy), null);
  assert.equal(Object.getPrototypeOf(copy.shown.query), null);
  assert.ok(Array.isArray(copy.shown.list));
  assert.deepEqual(JSON.parse(JSON.stringify(copy)), { shown: { list: [1, 'two', null, { deep: true }], query: { limit: 3 } } });
  assert.notEqual(copy.shown, source.shown, 'a copy, not the caller object');
});

test('a polluted Object.prototype adds nothing to a copy, to options, or to what members.js reads', () => {
  // Made before the pollution: Node loads its fetch (undici) on first use, and a polluted `get`
  // breaks that.
  const headers = new Headers();
  polluted({ polluted: 'x', fetch: () => 'evil', signal: 'evil', get: () => 'evil' }, () => {
    const copy = plain({ a: {} }, 'options');
    assert.equal('polluted' in copy, false);
    assert.equal('polluted' in copy.a, false);
    const split = splitOptions({ baseUrl: 'https://x' }, 'options', ['fetch']);
    assert.deepEqual([split.functions.fetch, split.signal, 'fetch' in split.data], [undefined, undefined, false]);
    assert.equal(own({}, 'polluted'), undefined);
    assert.equal(inherent({}, 'get'), undefined, 'Object.prototype is never a source');
    assert.equal(method(headers, 'get'), Headers.prototype.get, "a class's own methods are");
    assert.equal(method({ get: 1 }, 'get'), undefined, 'a member that is no function is no method');
    assert.equal('polluted' in bare({ a: 1 }), false);
  });
});

test('a getter that throws: an InvalidInputError naming its field, code unreadable, the throw as cause', () => {
  const thrown = new Error('boom');
  const options = {
    nested: {
      get limit() {
        throw thrown;
      },
    },
  };
  assert.throws(() => plain(options, 'options'), (error) => invalid({ field: 'limit', code: 'unreadable' })(error) && error.cause === thrown);
  assert.throws(() => member({ get x() {
    throw thrown;
  } }, 'x', 'x'), invalid({ field: 'x', code: 'unreadable' }));
});

test('Proxies: each trap that throws is unreadable, named; a revoked Proxy too', () => {
  const trap = (name) => new Proxy({ a: 1 }, { [name]: () => {
    throw new Error(name);
  } });
  for (const name of ['ownKeys', 'getOwnPropertyDescriptor', 'get', 'getPrototypeOf']) {
    const value = trap(name);
    let outcome;
    try {
      outcome = plain({ value }, 'options');
    } catch (error) {
      outcome = error;
    }
    // A trap the copy does not use (getPrototypeOf) changes nothing.
    if (name === 'getPrototypeOf') assert.deepEqual({ ...outcome.value }, { a: 1 });
    else assert.ok(invalid({ code: 'unreadable' })(outcome) && ['value', 'a'].includes(outcome.field), `${name}: ${outcome}`);
  }
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.throws(() => plain({ proxy }, 'options'), invalid({ field: 'proxy', code: 'unreadable' }));
});

test('hostile sizes end: a length past the limit or not a number, nesting too deep, a cycle', () => {
  const lengthOf = (length) => new Proxy([], { get: (target, key) => (key === 'length' ? length : Reflect.get(target, key)) });
  assert.throws(() => plain({ scopes: lengthOf(1e9) }, 'options'), invalid({ field: 'scopes', code: 'range' }));
  assert.throws(() => plain({ scopes: lengthOf(NaN) }, 'options'), invalid({ field: 'scopes', code: 'range' }));
  assert.equal(plain({ scopes: new Array(10_000).fill('s') }, 'options').scopes.length, 10_000);
  const nest = (levels) => Array.from({ length: levels - 1 }).reduce((inner) => ({ a: inner }), {});
  assert.doesNotThrow(() => plain(nest(8), 'options'), 'eight objects deep is allowed');
  assert.throws(() => plain(nest(9), 'options'), invalid({ code: 'type', rule: 'is nested too deeply' }));
  const cycle = { name: 'loop' };
  cycle.self = cycle;
  assert.throws(() => plain(cycle, 'options'), invalid({ field: 'self', rule: 'is nested too deeply' }));
});

test('what JSON cannot hold (a function, a bigint) is marked, never handed over', () => {
  const copy = plain({ run: () => 'called', big: 1n, list: [() => 1] }, 'options');
  assert.equal(typeof copy.run, 'symbol');
  assert.equal(typeof copy.big, 'symbol');
  assert.equal(typeof copy.list[0], 'symbol');
  assert.equal(copy.run, copy.big, 'one mark for all');
});

test('splitOptions: functions kept for the driver and marked true for the core; a signal must be one; opaque members read as they are', () => {
  const fetch = async () => new Response();
  const tracer = { cyclic: null };
  tracer.cyclic = tracer;
  const controller = new AbortController();
  const { data, functions, objects, signal } = splitOptions({ baseUrl: 'https://x', fetch, tracer, signal: controller.signal }, 'options', ['fetch', 'signer'], ['tracer']);
  assert.deepEqual({ ...data }, { baseUrl: 'https://x', fetch: true, tracer: true, signal: true });
  assert.equal(functions.fetch, fetch);
  assert.equal('signer' in functions, false);
  assert.equal(objects.tracer, tracer, 'the tracer itself, not a copy (it is cyclic)');
  assert.equal(signal, controller.signal);
  assert.throws(() => splitOptions({ fetch: 'not a function' }, 'options', ['fetch']), invalid({ field: 'fetch', code: 'type', rule: 'must be a function' }));
  assert.throws(() => splitOptions({ signal: { aborted: false } }, 'options', []), invalid({ field: 'signal', code: 'type', rule: 'must be an AbortSignal' }));
  assert.deepEqual(splitOptions(undefined, 'options', ['fetch']).data, undefined);
});

test('splitOptions reads a function member again from the caller (own members only): a getter that throws the second time is unreadable', () => {
  let reads = 0;
  const options = {
    get signer() {
      reads += 1;
      if (reads > 1) throw new Error('second read');
      return () => ({});
    },
  };
  assert.throws(() => splitOptions(options, 'options', ['signer']), invalid({ field: 'signer', code: 'unreadable' }));
});
