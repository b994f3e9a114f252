// Look-up by id: "Group id" opens that group, an unknown one shows the API's 404 problem with its
// request id, and a malformed one is refused by the client before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, detailShows, log, newPage, openAdmin, text, urlParams } from './harness.mjs';

let page;

test('look-up: a group id opens that group, and the URL names it', async () => {
  page = await newPage();
  await openAdmin(page);
  const [group] = (await api('/account_groups?sort=created_at&order=ASC&limit=1')).data;
  await page.getByLabel('Group id').fill(group.id);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await detailShows(page, group.id);
  assert.equal(await text(page, '#detail-id'), group.id);
  assert.match(await text(page, '#detail-fields'), new RegExp(`Status${group.status}`));
  assert.equal(urlParams(page).group, group.id);
  assert.ok(await page.locator('#problem').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-dismiss', 'the focus moves to the opened group');
});

test('look-up: an unknown id shows the 404 problem with its request id', async () => {
  const unknown = crypto.randomUUID();
  await page.getByLabel('Group id').fill(unknown);
  await page.getByLabel('Group id').press('Enter');
  await page.waitForSelector('#problem:not([hidden])');
  assert.equal(await text(page, '#problem-title'), 'Not Found');
  assert.equal(await text(page, '#problem-status'), 'HTTP 404');
  const requestId = await text(page, '#problem-request-id');
  assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const sent = (await log()).filter((r) => r.path === `/account_groups/${unknown}`);
  assert.equal(sent.length, 1, 'asked once (a 404 is not retried)');
  assert.notEqual(urlParams(page).group, unknown, 'the URL keeps the view it had');
});

test('look-up: a malformed id is refused by the client (InvalidInputError, code uuid) and nothing is sent', async () => {
  // The group opened above may be CLOSING, whose view keeps asking: close it first.
  await page.click('#detail-dismiss');
  const before = (await log()).length;
  for (const bad of ['not-an-id', '../users', '5eed0000-0000-4000-8000-00000000000g']) {
    await page.getByLabel('Group id').fill(bad);
    await page.getByLabel('Group id').press('Enter');
    await page.waitForFunction(() => document.querySelector('#lookup-error').textContent !== '');
    assert.equal(await text(page, '#lookup-error'), 'Not a group id: it is a UUID like 413715f2-5401-4b97-8055-034a6b879f8c.');
    assert.equal(await page.getByLabel('Group id').getAttribute('aria-invalid'), 'true');
  }
  // The page leans on the package's check: the same call rejects as the package documents.
  const code = await page.evaluate(async () => {
    const { AccountGroups, InvalidInputError } = await import('/pkg/web/index.js');
    const client = new AccountGroups({ baseUrl: location.origin, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 't' });
    const error = await client.get('not-an-id').catch((e) => e);
    return error instanceof InvalidInputError ? error.code : String(error);
  });
  assert.equal(code, 'uuid');
  assert.equal((await log()).length, before, 'no request reached the mock');
  await page.getByLabel('Group id').fill('');
  await page.getByLabel('Group id').press('Enter');
  await page.waitForFunction(() => document.querySelector('#lookup-error').textContent === 'Enter a group id.');
  assert.equal((await log()).length, before);
  await page.close();
});
