// The seam from the JavaScript side: the error classes of js/errors.js against their description
// in api/src/seam.rs (generated into js/seam.js). The wasm creates errors by class name and gives
// each its fields object; the classes are hand-written JavaScript (behaviour Rust cannot
// describe), so this holds them to the description. From the source, no wasm needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as errors from '../../js/errors.js';
import { ERROR_FIELDS, WASM_ERROR_CLASSES } from '../../js/seam.js';

test('every class the wasm creates by name is made by createError, with that name', () => {
  for (const name of WASM_ERROR_CLASSES) {
    const error = errors.createError(name, 'message', {});
    assert.ok(error instanceof errors[name], name);
    assert.equal(error.name, name);
    assert.equal(error.message, 'message');
  }
  // Any other name (a token provider's failure) is the base class.
  assert.equal(errors.createError('UpvestError', 'm', {}).constructor, errors.UpvestError);
});

test('every error class is exported and keeps each member of its fields object', () => {
  assert.deepEqual(Object.keys(ERROR_FIELDS).sort(), Object.keys(errors).filter((name) => /^[A-Z]\w*Error$/.test(name)).sort());
  for (const [name, fields] of Object.entries(ERROR_FIELDS)) {
    const given = Object.fromEntries(fields.map((field) => [field, { field }]));
    const error = name === 'UpvestError' ? new errors.UpvestError('m', given) : new errors[name]('m', given);
    for (const field of fields) assert.equal(error[field], given[field], `${name}.${field}`);
  }
});
