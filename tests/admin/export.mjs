// Export CSV: the current filter's groups, every page, read through iterate with progress,
// saved as a download whose content is checked here against the mock's list (columns, order,
// RFC 4180 quoting), and cells crafted into a response to look like formulas come out inert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SEEDED_USER, everyGroup, faults, log, newPage, openAdmin, text } from './harness.mjs';

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(csv) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i += 1) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') field += csv[(i += 1)];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && csv[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      [record, field] = [[], ''];
      i += 1;
    } else field += c;
  }
  assert.equal(field + record.join(''), '', 'the file ends with CRLF');
  return records;
}

/** Clicks "Export CSV" and resolves with the downloaded file's name and text. */
async function exportCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  return { name: download.suggestedFilename(), csv: readFileSync(await download.path(), 'utf8') };
}

const HEADER = ['id', 'type', 'status', 'created_at', 'updated_at', 'securities_account_number', 'business_id', 'users.id', 'users.type'];
const expectedRecord = (g) => [g.id, g.type, g.status, g.created_at, g.updated_at, g.securities_account_number, g.business_id ?? '', (g.users ?? []).map((u) => u.id).join(';'), (g.users ?? []).map((u) => u.type).join(';')];

let page;

test('export: the filtered, sorted list, every page, as CSV with the API’s column names', async () => {
  page = await newPage();
  await openAdmin(page, `/?sort=updated_at&order=ASC&size=10&user=${SEEDED_USER}`);
  const groups = await everyGroup({ user: SEEDED_USER, sort: 'updated_at', order: 'ASC' });
  assert.ok(groups.length > 10, 'more than the page shown');
  const sent = (await log()).length;
  const { name, csv } = await exportCsv(page);
  assert.match(name, new RegExp(`^account-groups-user-${SEEDED_USER}-\\d{4}-\\d\\d-\\d\\dT\\d{6}Z\\.csv$`));
  const [header, ...records] = parseCsv(csv);
  assert.deepEqual(header, HEADER);
  assert.deepEqual(records, groups.map(expectedRecord));
  assert.match(csv, /^id,type,status,[^\n]*\r\n[0-9a-f-]{36},/);
  assert.equal(await text(page, '#export-status'), `Exported ${groups.length} account groups to ${name}.`);
  assert.equal(await text(page, '#export-count'), `${groups.length} of ${groups.length}`);
  const reads = (await log()).slice(sent).map((r) => `${r.path}?${r.query}`);
  assert.deepEqual(reads, [`/users/${SEEDED_USER}/account_groups?sort=updated_at&order=ASC&limit=1`, `/users/${SEEDED_USER}/account_groups?sort=updated_at&order=ASC&offset=0&limit=1000`]);
});

test('export: without a filter, every group; cancelled, nothing is saved', async () => {
  await page.click('#clear-filter');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('user'));
  const groups = await everyGroup({ sort: 'updated_at', order: 'ASC' });
  const { csv } = await exportCsv(page);
  const [, ...records] = parseCsv(csv);
  assert.equal(records.length, groups.length);
  assert.deepEqual(records.map((r) => r[0]), groups.map((g) => g.id));

  await faults([{ method: 'GET', path: '/account_groups', times: 1, delay_ms: 4000 }]);
  let downloads = 0;
  page.on('download', () => (downloads += 1));
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await page.getByRole('button', { name: 'Cancel the export' }).click();
  await page.waitForFunction(() => document.querySelector('#export').dataset.state === 'cancelled');
  assert.equal(await text(page, '#export-status'), 'Cancelled before any group was read.');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(downloads, 0);
});

/** Whether a cell starting with this text would run as a formula (or starts with tab, CR or LF). */
const formulaLike = (text) => /^"?[\t\r\n]|^[\s\p{Cc}\p{Cf}"]*[=+\-@＝＋－＠]/u.test(text);

test('export: server values that look like formulas are neutralised, and quoting survives', async () => {
  // Crafted values in the pages of groups as the browser receives them (the mock only makes
  // well-formed ones): enum values of a later API version, say. The client checks ids, so the
  // open enums and the account number carry them.
  const users = [{ id: SEEDED_USER, type: '\tOWNER, "main"' }, { id: SEEDED_USER.replace(/1$/, '2'), type: 'line\nbreak' }];
  const hyperlink = '=HYPERLINK("http://evil.example","click")';
  const crafted = [
    { status: hyperlink, type: '+CMD|calc', securities_account_number: '@SUM(A1:A2)', users },
    { status: '-2+3', type: '\r=cmd', securities_account_number: 'plain, "quoted"' },
    { status: ' =1+1', type: '\u00a0@SUM(A1)', securities_account_number: '\0-1', users: [users[0], { ...users[1], type: hyperlink }] },
    { status: '＝1+1', type: 'ACTIVE;=1+1', securities_account_number: '\u3000＋1' },
  ];
  const pages = /\/account_groups\?.*limit=1000/;
  await page.route(pages, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    crafted.forEach((values, i) => Object.assign(body.data[i], values));
    await route.fulfill({ response, json: body });
  });
  const { csv } = await exportCsv(page);
  await page.unroute(pages);
  const [, first, second, third, fourth] = parseCsv(csv);
  assert.deepEqual(first.slice(1, 3), [`'${crafted[0].type}`, `'${crafted[0].status}`]);
  assert.equal(first[5], `'${crafted[0].securities_account_number}`);
  assert.equal(first[7], `${users[0].id};${users[1].id}`);
  assert.equal(first[8], `'${users[0].type};${users[1].type}`, 'the first user neutralised, the second safe as it is');
  assert.deepEqual(second.slice(1, 3), ["'\r'=cmd", "'-2+3"], 'and again after the line break');
  assert.equal(second[5], 'plain, "quoted"');
  assert.deepEqual([third[1], third[2], third[5]], ["'\u00a0@SUM(A1)", "' =1+1", "'\0-1"], 'after NBSP, a space and NUL');
  assert.equal(third[8], `'${users[0].type};'${hyperlink}`, 'the second user’s formula neutralised on its own');
  assert.deepEqual([fourth[1], fourth[2], fourth[5]], ["ACTIVE;'=1+1", "'＝1+1", "'\u3000＋1"], 'full-width forms, and a `;` inside one value');
  const [, line] = csv.split('\r\n');
  assert.ok(line.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), line);
  assert.ok(csv.includes(',"plain, ""quoted""",'), 'quotes doubled inside a quoted field');
  assert.deepEqual(parseCsv(csv).flat().filter(formulaLike), [], 'no field starts like a formula');
  // A spreadsheet whose locale separates lists with `;` splits the lines at `;` (and at line
  // breaks, since a quote that is not at a cell's start holds nothing together there).
  assert.deepEqual(csv.split(/[;\r\n]/).filter(formulaLike), [], 'no cell starts like a formula when read with `;`');
  await page.close();
});
