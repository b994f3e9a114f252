// The overview: how many groups there are by status and by type, and how many were created per
// week, month or year, counted over the whole list as the package's `iterate` reads it. The
// counts are only drawn once the list has been read to the end, so they always add up to one
// consistent reading; a change made on this page afterwards marks them out of date.
import { barChart } from './chart.js';
import { describe } from './problem.js';
import { ASC, CREATED_AT } from './enums.js';
import { Task } from './progress.js';
import { readInto } from './reader.js';
import { Tally } from './tally.js';
import { $ } from './view.js';

/**
 * The Overview region's behaviour; `getClient` gives the client of the current connection.
 * @param {() => import('/pkg/web/index.js').AccountGroups} getClient
 */
export function createOverview(getClient) {
  const region = $('overview');
  const task = new Task({ region, progress: $('overview-progress'), count: $('overview-count'), status: $('overview-status'), cancel: $('overview-cancel'), start: $('overview-refresh') });

  /** @param {import('./tally.js').Summary} summary */
  function draw({ total, byStatus, byType, created }) {
    $('overview-charts').replaceChildren(
      barChart({ id: 'chart-status', caption: 'Groups by status', heading: 'Status', rows: byStatus }),
      barChart({ id: 'chart-type', caption: 'Groups by type', heading: 'Type', rows: byType }),
      barChart({ id: 'chart-created', caption: `Groups created per ${created.unit} (UTC)`, heading: created.unit === 'week' ? 'Week from' : created.unit[0].toUpperCase() + created.unit.slice(1), rows: created.rows }),
    );
    task.say(`${total} account groups, read at ${new Date().toLocaleTimeString()}.`);
  }

  async function refresh() {
    $('overview-stale').hidden = true;
    task.say('Reading every account group…');
    const tally = new Tally();
    try {
      if (!(await readInto(task, getClient(), { sort: CREATED_AT, order: ASC }, (group) => tally.add(group)))) return;
      draw(tally.summary());
      region.dataset.state = 'complete';
      // Marks the moment for the page's own timing (the tests read it).
      performance.mark('overview-complete');
    } catch (error) {
      task.say(`The overview could not be read: ${describe(error)}.`);
    }
  }

  $('overview-refresh').addEventListener('click', refresh);
  return {
    refresh,
    /** Says the counts shown no longer match the list (after a create or a close on this page). */
    markStale() {
      if ($('overview-charts').childElementCount > 0) $('overview-stale').hidden = false;
    },
  };
}
