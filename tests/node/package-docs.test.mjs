// The package as users meet it on npm: its package.json (version, repository, homepage, bugs)
// against package/CHANGELOG.md, the links of package/README.md (absolute, so that they work on
// npm, and to files the repository has), its tables of error codes against the declarations in
// js/seam-types.d.ts (both generated from api/src/seam.rs), and what it says about free(), AbortSignal.timeout() and mock.reset().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { AccountGroups, InvalidInputError, TimeoutError, UpvestError } from '../../pkg/node/index.mjs';
import { createMock } from '../../pkg/mock/index.mjs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const manifest = JSON.parse(read('pkg/package.json'));
const readme = read('package/README.md');
const changelog = read('package/CHANGELOG.md');
const declarations = read('js/seam-types.d.ts');
/** The README without its fenced code blocks (a link or a table in a block is not one). */
const prose = readme.replace(/^```[\s\S]*?^```$/gm, '');

const repository = manifest.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '');

test("the CHANGELOG's newest release is package.json's version; [Unreleased] is above it", () => {
  const headings = [...changelog.matchAll(/^## (.*)$/gm)].map(([, text]) => text);
  assert.equal(headings[0], '[Unreleased]');
  const releases = headings.slice(1).map((text) => {
    const match = /^\[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})$/.exec(text);
    assert.ok(match, `a release heading is "## [x.y.z] - yyyy-mm-dd": ${text}`);
    return { version: match.slice(1, 4).map(Number), date: match[4] };
  });
  assert.ok(releases.length >= 1);
  assert.equal(releases[0].version.join('.'), manifest.version, 'pkg/package.json version');
  for (let i = 1; i < releases.length; i += 1) {
    const [newer, older] = [releases[i - 1], releases[i]];
    const order = newer.version.map((n, k) => n - older.version[k]).find((d) => d !== 0);
    assert.ok(order > 0, `${newer.version.join('.')} above ${older.version.join('.')}`);
    assert.ok(newer.date >= older.date, `${newer.date} not before ${older.date}`);
  }
});

test('package.json names the repository, its issues and a homepage', () => {
  assert.equal(manifest.repository.type, 'git');
  assert.match(manifest.repository.url, /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  assert.equal(manifest.bugs.url, `${repository}/issues`);
  assert.ok(manifest.homepage.startsWith(`${repository}/`), manifest.homepage);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

test("the README's links work from npm: absolute, to files the repository has, or to its own headings", () => {
  const anchors = new Set([...readme.matchAll(/^#{1,6} (.*)$/gm)].map(([, text]) => anchor(text)));
  const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target);
  assert.ok(links.length > 10);
  const [owner, name] = new URL(repository).pathname.slice(1).split('/');
  for (const link of links) {
    if (link.startsWith('#')) {
      assert.ok(anchors.has(link.slice(1)), `a heading for ${link}`);
    } else if (link.startsWith(`${repository}/blob/main/`) || link.startsWith(`${repository}/tree/main/`)) {
      const path = link.slice(`${repository}/blob/main/`.length);
      assert.ok(existsSync(new URL(path, root)), `the repository has ${path}`);
    } else {
      assert.match(link, /^https:\/\//, `an absolute link (npm shows the README away from its files): ${link}`);
      assert.ok(!link.startsWith('https://github.com/') || link === repository || link.startsWith(`${repository}/`), `the repository is package.json's: ${link}`);
    }
  }
  // The repository, its issues and the API reference (TypeDoc, published beside the repository).
  assert.ok(links.includes(repository));
  assert.ok(links.includes(`${repository}/issues`));
  assert.ok(links.includes(`https://${owner}.github.io/${name}/`), 'the API reference is linked');
  // A repository file the README names is a link to it, not a bare path.
  const bare = [...prose.matchAll(/(?<!\[)`((?:tests|examples|scripts|src|mock)\/[^`]*)`/g)].map(([, path]) => path);
  assert.deepEqual(bare, [], 'repository paths in prose are links');
});

/** The values of a union of string literals in js/seam-types.d.ts, following named unions in it. */
function union(name) {
  const match = new RegExp(`export type ${name} =([^;]*);`).exec(declarations);
  assert.ok(match, `js/seam-types.d.ts declares ${name}`);
  return match[1].split('|').map((part) => part.trim()).filter(Boolean)
    .flatMap((part) => (part.startsWith("'") ? [part.slice(1, -1)] : union(part)));
}

/** The codes in the first column of the first table after `marker` in the README. */
function tableAfter(marker) {
  const at = prose.indexOf(marker);
  assert.ok(at >= 0, `the README has ${marker}`);
  const table = /\n(\|.*\|\n)+/.exec(prose.slice(at))[0].trim().split('\n').slice(2);
  return table.map((row) => {
    const code = /^\| `'([^']+)'` \|/.exec(row);
    assert.ok(code, `a row starts with a code: ${row}`);
    return code[1];
  });
}

test("the README's tables of error codes hold the declared codes, no more, in their order", () => {
  for (const [type, marker] of [
    ['InvalidInputCode', '**`InvalidInputError.code`**'],
    ['ResponseErrorCode', '**`ResponseError.code`**'],
    ['WebhookErrorCode', '**Refusals.**'],
  ]) {
    assert.deepEqual(tableAfter(marker), union(type), `${type}: the table after ${marker}`);
  }
  const shown = /^type InvalidInputCode = .*;$/m.exec(readme)?.[0];
  assert.equal(shown, /^export (type InvalidInputCode = .*;)$/m.exec(declarations)[1], 'the README shows the type as declared');
});

test("every optional field of the mock's declarations takes undefined (exactOptionalPropertyTypes)", () => {
  const mockTypes = read('js/mock/mock.d.ts').replace(/\/\*[\s\S]*?\*\//g, '');
  const optional = [...mockTypes.matchAll(/(\w+)\?: ([^;{}()]*)[;}]/g)]; // fields, not parameters
  assert.ok(optional.length > 20);
  for (const [, name, type] of optional) assert.match(type, /\| undefined\s*$/, `${name}?: ${type}`);
});

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const userId = '413715f2-5401-4b97-8055-034a6b879f8c';

test("the README's 'unreadable' example: a getter that throws, named by its field", async () => {
  const mock = await createMock();
  const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 't' });
  const thrown = new Error('x');
  const error = await client.list({ get limit() { throw thrown; } }).catch((e) => e);
  assert.ok(error instanceof InvalidInputError);
  assert.deepEqual([error.code, error.field, error.cause], ['unreadable', 'limit', thrown]);
  assert.ok(readme.includes("`list({ get limit() { throw new Error('x'); } })` → `limit`"));
});

test('after free(), calls and a new loop reject with an UpvestError (they never throw); free() again does nothing', async () => {
  const mock = await createMock({ seed: 3 });
  const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 't' });
  const started = client.list();
  client.free();
  assert.equal((await started).data.length, 3, 'a call already started finishes');
  for (const call of [() => client.get(userId), () => client.list(), () => client.create({ user_id: userId, type: 'ISA' }), () => client.iterate().next()]) {
    let promise;
    assert.doesNotThrow(() => {
      promise = call();
    });
    await assert.rejects(promise, (e) => e instanceof UpvestError && /freed/.test(e.message));
  }
  assert.doesNotThrow(() => client.free());
});

test("a call's AbortSignal.timeout() rejects with the platform's DOMException named TimeoutError, not the package's", async () => {
  const mock = await createMock();
  const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 't' });
  mock.faults([{ path: '/account_groups', delay_ms: 10_000 }]);
  const error = await client.list(undefined, { signal: AbortSignal.timeout(50) }).catch((e) => e);
  assert.ok(error instanceof DOMException, String(error));
  assert.equal(error.name, 'TimeoutError');
  assert.ok(!(error instanceof TimeoutError) && !(error instanceof UpvestError));
  mock.faults([]);
});

test('mock.reset() also forgets idempotency keys: the same key creates a new group', async () => {
  const mock = await createMock();
  const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 't' });
  const idempotencyKey = '6f1c1b3e-3f0a-4d5e-9c1a-2b7d8e9f0a1b';
  const first = await client.create({ user_id: userId, type: 'ISA' }, { idempotencyKey });
  assert.equal((await client.create({ user_id: userId, type: 'ISA' }, { idempotencyKey })).id, first.id, 'replayed');
  assert.equal(mock.stats().idempotency_keys, 1);
  mock.reset();
  assert.equal(mock.stats().idempotency_keys, 0);
  assert.notEqual((await client.create({ user_id: userId, type: 'ISA' }, { idempotencyKey })).id, first.id);
});
