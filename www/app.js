// The admin page's first view: one page of account groups through the package's web build,
// against the mock that serves this page. Server strings go in as text, never as HTML.
import { AccountGroups, UpvestError } from '/pkg/web/index.js';

const status = document.getElementById('status');
const rows = document.getElementById('rows');
const client = new AccountGroups({
  baseUrl: location.origin,
  clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6',
  accessToken: 'admin-page-token',
});

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

try {
  const page = await client.list({ limit: 25, sort: 'created_at', order: 'DESC' });
  for (const group of page.data) {
    const tr = document.createElement('tr');
    tr.append(cell(group.id), cell(group.type), cell(group.status), cell(group.created_at));
    rows.append(tr);
  }
  status.textContent = `${page.meta.count} of ${page.meta.total_count} account groups`;
} catch (error) {
  status.textContent = error instanceof UpvestError ? error.message : `Unexpected error: ${error}`;
}
