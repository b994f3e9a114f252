// Horizontal bar charts in plain SVG, each with a table beside it for screen readers (the
// drawing itself is hidden from them). Bars rather than columns: labels stay horizontal and
// readable at phone widths, and the chart grows downwards as rows are added.
import { el, svg } from './view.js';

// The drawing's own coordinates; CSS scales the whole chart to its box, text included.
const WIDTH = 360;
const LABEL_WIDTH = 128;
const BAR_X = LABEL_WIDTH + 6;
const BAR_SPAN = 176;
const ROW = 22;
const BAR_HEIGHT = 14;
const LONGEST_LABEL = 18;

/**
 * A figure: caption, bars and the same numbers as a table. `rows` is [{ label, value }];
 * `heading` names the label column of the table.
 * @param {{ id: string, caption: string, heading: string, rows: readonly import('./tally.js').Row[] }} chart
 * @returns {HTMLElement}
 */
export function barChart({ id, caption, heading, rows }) {
  const largest = Math.max(1, ...rows.map((r) => r.value));
  const height = Math.max(1, rows.length) * ROW + 4;
  const bars = rows.map(({ label, value }, i) => {
    const y = 2 + i * ROW;
    const width = Math.round((value / largest) * BAR_SPAN);
    const shown = label.length > LONGEST_LABEL ? `${label.slice(0, LONGEST_LABEL - 1)}…` : label;
    return svg(
      'g',
      {},
      svg('text', { x: LABEL_WIDTH, y: y + ROW / 2, class: 'chart-label' }, shown),
      svg('rect', { x: BAR_X, y: y + (ROW - BAR_HEIGHT) / 2, width: Math.max(width, value > 0 ? 2 : 0), height: BAR_HEIGHT, rx: 2, class: 'chart-bar' }),
      svg('text', { x: BAR_X + width + 4, y: y + ROW / 2, class: 'chart-value' }, value),
    );
  });
  const drawing = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, 'aria-hidden': 'true', focusable: 'false' }, bars);
  const table = el(
    'table',
    { class: 'sr-only' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, heading), el('th', { scope: 'col' }, 'Groups'))),
    el('tbody', {}, rows.map(({ label, value }) => el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, value)))),
  );
  return el('figure', { class: 'chart', id }, el('figcaption', { 'aria-hidden': 'true' }, caption), drawing, table);
}
