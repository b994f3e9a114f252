// The export's CSV encoding (www/csv.js) on crafted values, in Node, without the page or the
// package: RFC 4180 quoting, and formula neutralisation wherever a spreadsheet may start a cell
// (a field's start, and after each `;` or line break, where a `;`-locale spreadsheet starts one).
// Runs on its own (`node --test tests/admin/csv.mjs`) and in the admin suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, csvHeader, csvRecord, groupRecord, groupValues } from '../../www/csv.js';

test('csv: RFC 4180 quoting of quotes, commas, CR and LF; plain fields stay bare', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rinside'), '"cr\rinside"');
  assert.equal(csvField('"'), '""""');
  assert.equal(csvField(''), '');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(null), '');
  assert.equal(csvField(42), '42');
  assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  assert.equal(csvRecord(['a', 'b,c', '']), 'a,"b,c",\r\n');
});

test('csv: cells that a spreadsheet would run as formulas get a leading apostrophe', () => {
  assert.equal(csvField('=1+2'), "'=1+2");
  assert.equal(csvField('+31 20 000'), "'+31 20 000");
  assert.equal(csvField('-2'), "'-2");
  assert.equal(csvField('@SUM(A1:A9)'), "'@SUM(A1:A9)");
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField('a=b'), 'a=b', 'only where a cell can start');
});

test('csv: columns as the API names them, users flattened into two aligned columns', () => {
  assert.equal(csvHeader(), 'id,type,status,created_at,updated_at,securities_account_number,business_id,users.id,users.type\r\n');
  const user = { id: 'g1', type: 'CHILD', status: 'ACTIVE', created_at: '2026-01-02T03:04:05Z', updated_at: '2026-01-03T00:00:00Z', securities_account_number: '012345678', users: [{ id: 'u1', type: 'CHILD' }, { id: 'u2', type: 'GUARDIAN' }] };
  assert.deepEqual(groupValues(user), ['g1', 'CHILD', 'ACTIVE', '2026-01-02T03:04:05Z', '2026-01-03T00:00:00Z', '012345678', undefined, 'u1;u2', 'CHILD;GUARDIAN']);
  const business = { id: 'g2', type: 'BUSINESS', status: 'LOCKED', created_at: 'c', updated_at: 'u', securities_account_number: '1', business_id: 'b1' };
  assert.equal(groupRecord(business), 'g2,BUSINESS,LOCKED,c,u,1,b1,,\r\n');
  assert.equal(groupValues(business).length, CSV_COLUMNS.length);
});

test('csv: a formula after leading spaces, NBSP, U+3000 or other Unicode white space is neutralised', () => {
  assert.equal(csvField(' =x'), "' =x");
  assert.equal(csvField('   +1'), "'   +1");
  assert.equal(csvField('\u00a0=1+1'), "'\u00a0=1+1");
  assert.equal(csvField('\u3000@SUM(A1)'), "'\u3000@SUM(A1)");
  for (const space of ['\v', '\f', '\u1680', '\u2003', '\u2028', '\u202f', '\u205f']) assert.equal(csvField(`${space}-1`), `'${space}-1`, JSON.stringify(space));
  assert.equal(csvField(' \t =cmd'), "' \t =cmd", 'a mix of white space');
});

test('csv: a formula after NUL or another control character (C0, DEL, C1) or an invisible format character is neutralised', () => {
  assert.equal(csvField('\0=1+1'), "'\0=1+1");
  assert.equal(csvField('\0\0 @x'), "'\0\0 @x");
  for (const control of ['\x01', '\x1b', '\x1f', '\x7f', '\x80', '\x85', '\x9b', '\x9f']) assert.equal(csvField(`${control}=x`), `'${control}=x`, JSON.stringify(control));
  for (const format of ['\u200b', '\ufeff', '\u202e']) assert.equal(csvField(`${format}+x`), `'${format}+x`, JSON.stringify(format));
  assert.equal(csvField('"=x"'), `"'""=x"""`, 'a quote, which opens a quoted field where a cell starts');
});

test('csv: the full-width ＝ ＋ － ＠ (and other compatibility forms) start a formula too', () => {
  assert.equal(csvField('＝1+1'), "'＝1+1");
  assert.equal(csvField('＋1'), "'＋1");
  assert.equal(csvField('－1'), "'－1");
  assert.equal(csvField('＠SUM(A1)'), "'＠SUM(A1)");
  assert.equal(csvField('\u00a0＝HYPERLINK("http://x")'), `"'\u00a0＝HYPERLINK(""http://x"")"`);
  assert.equal(csvField('﹦1'), "'﹦1", 'the small form');
});

test('csv: a cell starting with tab, CR or LF is neutralised, and so is each line that could start a formula', () => {
  assert.equal(csvField('\tTAB'), "'\tTAB");
  assert.equal(csvField('\rx'), `"'\rx"`);
  assert.equal(csvField('\nx'), `"'\nx"`);
  assert.equal(csvField('\r\n=x'), `"'\r\n'=x"`);
  // A `;`-locale spreadsheet ignores the quotes around a field that is not at its cell start, so
  // a line break inside the value ends its row there.
  assert.equal(csvField('\r=cmd'), `"'\r'=cmd"`);
  assert.equal(csvField('ok\n=cmd'), `"ok\n'=cmd"`);
  assert.equal(csvField('ok\r\n \u00a0@x'), `"ok\r\n' \u00a0@x"`);
  assert.equal(csvField(' \n=x'), `"' \n'=x"`, 'passed over across a line break');
});

test('csv: each user in users.id and users.type is neutralised on its own, as is any `;`-separated part', () => {
  const group = {
    id: 'g1', type: 'CHILD', status: 'ACTIVE', created_at: 'c', updated_at: 'u', securities_account_number: '1',
    users: [{ id: 'u1', type: 'CHILD' }, { id: '@u2', type: '=HYPERLINK("http://evil.example","click")' }, { id: ' -u3', type: '\u00a0＋1' }],
  };
  assert.equal(groupRecord(group), `g1,CHILD,ACTIVE,c,u,1,,u1;'@u2;' -u3,"CHILD;'=HYPERLINK(""http://evil.example"",""click"");'\u00a0＋1"\r\n`);
  assert.equal(csvField('ACTIVE;=1+1'), "ACTIVE;'=1+1", 'a `;` inside one value starts a cell in a `;` locale as well');
  assert.equal(csvField(';;\t;x; @y'), ";;'\t;x;' @y");
  assert.equal(csvField('=a;=b'), "'=a;'=b");
});

test('csv: safe values stay byte for byte', () => {
  const safe = [
    '5eed0000-0000-4000-8000-000000000001', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123+01:00', 'PENDING_APPROVAL', 'CLOSING',
    'GUARDIAN', '012345678', 'u1;u2', 'CHILD;GUARDIAN', '', ';', 'a-b', 'a=b', 'a@b.example', 'a|b', '50%', '%0A', "'=already text", 'x ＝ y', 'Straße',
  ];
  for (const value of safe) assert.equal(csvField(value), value, JSON.stringify(value));
  assert.equal(csvField('two\r\nlines; and more'), '"two\r\nlines; and more"');
});

/** The places in an encoded field where some spreadsheet may start a cell, with what follows each. */
function cellStarts(encoded) {
  const pieces = encoded.split(/(?<=;|\r\n|\r(?!\n)|\n)/);
  return pieces.map((_, i) => pieces.slice(i).join(''));
}

test('csv: random values mixing separators, white space, controls and formula starts come out inert and otherwise unchanged', () => {
  const alphabet = ['=', '+', '-', '@', '＝', '＋', '－', '＠', ';', ',', '"', "'", ' ', '\t', '\r', '\n', '\0', '\x7f', '\x85', '\u00a0', '\u3000', '\u200b', 'a', '1', '|', '%'];
  let seed = 25;
  const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const decode = (field) => (field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field);
  for (let round = 0; round < 3000; round += 1) {
    const value = Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    const encoded = csvField(value);
    assert.equal(decode(encoded).replaceAll("'", ''), value.replaceAll("'", ''), `only apostrophes added to ${JSON.stringify(value)}`);
    for (const start of cellStarts(encoded)) {
      const unsafe = /^"?[\t\r\n]|^[\s\p{Cc}\p{Cf}"]*[=+\-@＝＋－＠]/u.test(start);
      assert.ok(!unsafe, `${JSON.stringify(value)} encoded as ${JSON.stringify(encoded)} has a cell starting ${JSON.stringify(start)}`);
    }
  }
});
