// "Export CSV": every group of the list as it is filtered and sorted (all pages, not just the
// one shown), read through `iterate` with progress and a Cancel button, then saved as a file.
// The records are kept as separate strings and joined only by the Blob, so no single string
// the size of the whole file is built.
import { csvHeader, groupRecord } from './csv.js';
import { describe } from './problem.js';
import { Task } from './progress.js';
import { readInto } from './reader.js';
import { $ } from './view.js';

/** @typedef {import('/pkg/web/index.js').AccountGroups} AccountGroups */

/**
 * The file name: when, and whose groups.
 * @param {string | undefined} user
 * @returns {string}
 */
function fileName(user) {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
  return `account-groups${user ? `-user-${user}` : ''}-${stamp}Z.csv`;
}

/**
 * Saves a file through a download link.
 * @param {Blob} blob
 * @param {string} name
 */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  // The download has started from the URL by now; a little later it is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The export's behaviour; `getFilter` gives { user, sort, order } of the list shown.
 * @param {() => AccountGroups} getClient
 * @param {() => import('./reader.js').Filter} getFilter
 */
export function createExport(getClient, getFilter) {
  const task = new Task({ region: $('export'), progress: $('export-progress'), count: $('export-count'), status: $('export-status'), cancel: $('export-cancel'), start: $('export-start') });

  async function run() {
    const filter = getFilter();
    task.say('Exporting…');
    const records = [csvHeader()];
    try {
      if (!(await readInto(task, getClient(), filter, (group) => records.push(groupRecord(group))))) return;
      const name = fileName(filter.user);
      save(new Blob(records, { type: 'text/csv;charset=utf-8' }), name);
      $('export').dataset.state = 'complete';
      task.say(`Exported ${records.length - 1} account groups to ${name}.`);
    } catch (error) {
      task.say(`The export failed: ${describe(error)}.`);
    }
  }

  $('export-start').addEventListener('click', run);
}
