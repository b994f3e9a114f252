// The API's enum values are spelled once, in api/src (the upvest-api crate): every other source
// takes them from there (Rust through the crate, JavaScript through the generated
// js/vocabulary.js, the declarations through the generated js/api.d.ts). This counts, for each
// value of each enum the package exports, its spellings as string literals ('X' or "X"; a
// backquoted `X` is a doc comment's code span) in the hand-written sources, tests and docs aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vocabulary from '../../js/vocabulary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = [
  ['api/src', /\.rs$/],
  ['src', /\.rs$/],
  ['mock/src', /\.rs$/],
  ['quick-check/src', /\.rs$/],
  ['mock/wasm/src', /\.rs$/],
  ['js', /\.(js|ts)$/],
  ['www', /\.(js|html|css)$/],
];
// Compiled for tests only (src/core/mod.rs): sample responses, spelled as the API sends them.
const TEST_ONLY = new Set(['src/core/fuzz.rs', 'src/core/simulate.rs', 'src/core/quick_check_agreement.rs']);
// Sort fields are also the names of two fields of every group (`created_at`, `updated_at`), so
// their spellings are field names everywhere but in the enum.
const FIELD_NAMES_TOO = new Set(['SORT_FIELDS']);

/** The hand-written sources, each without its tests (Rust's `#[cfg(test)]` modules close a file). */
function handWritten() {
  const files = [];
  for (const [dir, pattern] of SOURCES) {
    for (const entry of readdirSync(join(root, dir), { recursive: true })) {
      const path = join(dir, String(entry));
      if (!pattern.test(path) || TEST_ONLY.has(path)) continue;
      const text = readFileSync(join(root, path), 'utf8');
      if (text.slice(0, 300).includes('Generated from api/src')) continue;
      const tests = path.endsWith('.rs') ? text.indexOf('#[cfg(test)]') : -1;
      files.push({ path, text: tests < 0 ? text : text.slice(0, tests) });
    }
  }
  return files;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where `value` is spelled, quoted, in `files`. */
function spellings(files, value) {
  const quoted = new RegExp(`(['"])${escape(value)}\\1`, 'g');
  return files.flatMap(({ path, text }) => (text.match(quoted) ?? []).map(() => relative(root, join(root, path))));
}

test('each enum value is spelled once per enum that has it, in api/src, and nowhere else by hand', () => {
  const files = handWritten();
  assert.ok(files.length > 50, `${files.length} source files read`);
  // The hosts are strings, not enums; js/vocabulary.js exports them beside the enums' values.
  const enums = Object.entries(vocabulary).filter(([name, values]) => Array.isArray(values) && !FIELD_NAMES_TOO.has(name));
  assert.ok(enums.length >= 7, 'the package exports the enums');
  const wrong = [];
  for (const [name, values] of enums) {
    for (const value of values) {
      const where = spellings(files, value);
      const owners = enums.filter(([, others]) => others.includes(value)).length;
      const outside = where.filter((path) => !path.startsWith('api/src/'));
      if (where.length !== owners || outside.length > 0) wrong.push(`${name} ${value}: ${where.length} spellings (expected ${owners}, in api/src) in ${where.join(', ')}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the count finds a spelling added by hand', () => {
  const files = [...handWritten(), { path: 'www/added.js', text: "if (group.status === 'LOCKED') show();" }];
  assert.deepEqual(spellings(files, 'LOCKED'), ['api/src/vocabulary.rs', 'www/added.js']);
});
