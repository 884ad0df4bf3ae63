// Spend: total for a date range, spend per day stacked by model/key/team/app, tables by those, key owner and tag.
import { get, query } from '../api.js';
import { COLORS, stackedBars } from '../chart.js';
import { download, toCsv } from '../csv.js';
import { field, h, notice, table } from '../dom.js';
import { daysAgo, daysBetween, int, money } from '../format.js';
import { hashParams, teamOptions } from './common.js';

export const title = 'Spend';

// group_by of /global/spend/report and the field its rows name the group with. The end user is the customer of
// the Customers page: the calling app as mpc-api names it (x-mpc-end-user), else the request's "user" field. A
// call's user is the key's owner.
const DIMENSIONS = {
  model: { label: 'Model', field: 'model' },
  key: { label: 'Key', field: 'api_key' },
  team: { label: 'Team', field: 'team_id' },
  app: { label: 'App (customer)', field: 'end_user', groupBy: 'end_user' },
  owner: { label: 'Key owner', field: 'user', groupBy: 'user' },
  tag: { label: 'Tag', field: 'tag' },
};
const STACKS = ['model', 'key', 'team', 'app'];
const groupBy = (dim) => DIMENSIONS[dim].groupBy || dim;
const MAX_SERIES = 8;

// team id -> team name, for the page being shown
let teamNames = new Map();

function groupName(dim, row) {
  const v = row[DIMENSIONS[dim].field];
  if (dim === 'key') return row.key_alias || (v ? v.slice(0, 10) + '…' : '(no key)');
  if (dim === 'team' && v) return teamNames.get(v) || v;
  return v === null || v === undefined || v === '' ? `(no ${DIMENSIONS[dim].label.toLowerCase()})` : String(v);
}

export async function render() {
  const p = hashParams();
  const state = {
    from: p.get('from') || daysAgo(29),
    to: p.get('to') || daysAgo(0),
    stack: STACKS.includes(p.get('stack')) ? p.get('stack') : 'model',
    by: DIMENSIONS[p.get('by')] ? p.get('by') : 'key',
  };
  const from = field('From', { type: 'date', value: state.from, name: 'from' });
  const to = field('To', { type: 'date', value: state.to, name: 'to' });
  const stack = field('Stack by', { tag: 'select', name: 'stack', options: STACKS.map((s) => [s, DIMENSIONS[s].label]) });
  stack.input.value = state.stack;
  const by = field('Table by', { tag: 'select', name: 'by', options: Object.entries(DIMENSIONS).map(([k, d]) => [k, d.label]) });
  by.input.value = state.by;
  const form = h('form.filters', { 'aria-label': 'Spend filters' }, from.row, to.row, stack.row, by.row,
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/spend' + query({ from: from.input.value, to: to.input.value, stack: stack.input.value, by: by.input.value });
  });
  if (state.from > state.to) {
    return h('div', h('h1', 'Spend'), form, notice('error', 'The range is empty', '"From" is after "To".'));
  }
  const range = { start_date: state.from, end_date: state.to };
  const [total, perDay, breakdown, teams] = await Promise.all([
    get('/global/spend' + query(range)),
    // flat: one row per day and group (LiteLLM's nested shape is cost-tracker's default for team and customer)
    get('/global/spend/report' + query({ ...range, group_by: groupBy(state.stack), flat: 'true' })),
    get('/global/spend/report' + query({ ...range, group_by: groupBy(state.by), granularity: 'total', flat: 'true' })),
    teamOptions(),
  ]);
  teamNames = new Map((teams || []).map((t) => [t.team_id, t.team_alias || t.team_id]));
  const root = h('div', h('h1', 'Spend'), form);
  root.append(h('p.total', 'Total ', h('strong#spend-total', money(total.spend || 0)), ` from ${state.from} to ${state.to} (UTC days)`));
  root.append(chartSection(perDay, state));
  root.append(breakdownSection(breakdown, state));
  return root;
}

function chartSection(rows, state) {
  const days = daysBetween(state.from, state.to);
  const byName = new Map();
  for (const r of rows) {
    const name = groupName(state.stack, r);
    const s = byName.get(name) || { name, total: 0, values: {} };
    const v = Number(r.total_spend || 0);
    s.total += v;
    s.values[r.group_by_day] = (s.values[r.group_by_day] || 0) + v;
    byName.set(name, s);
  }
  let series = [...byName.values()].sort((a, b) => b.total - a.total);
  if (series.length > MAX_SERIES) {
    const rest = { name: 'other', total: 0, values: {} };
    for (const s of series.slice(MAX_SERIES - 1)) {
      rest.total += s.total;
      for (const [d, v] of Object.entries(s.values)) rest.values[d] = (rest.values[d] || 0) + v;
    }
    series = [...series.slice(0, MAX_SERIES - 1), rest];
  }
  const heading = h('h2', `Spend per day by ${DIMENSIONS[state.stack].label.toLowerCase()}`);
  if (!series.length) {
    return h('section', heading, notice('empty', 'No spend in this range',
      'Calls made through the gateway show up here within seconds. Pick a wider range or make a call.'));
  }
  const legend = h('ul.legend', series.map((s, i) => h('li',
    h('span.swatch', { style: { background: COLORS[i % COLORS.length] } }), `${s.name} (${money(s.total)})`)));
  return h('section', heading,
    stackedBars(days, series, `Spend per day from ${state.from} to ${state.to}, stacked by ${DIMENSIONS[state.stack].label}`),
    legend);
}

function breakdownSection(rows, state) {
  const dim = DIMENSIONS[state.by];
  const heading = h('h2', `By ${dim.label.toLowerCase()}`);
  if (!rows.length) {
    return h('section', heading, notice('empty', 'Nothing to show', 'No spend in this range.'));
  }
  const columns = [{ label: dim.label, key: 'name', cell: (r) => groupName(state.by, r), csv: (r) => groupName(state.by, r) }];
  if (state.by === 'key') {
    columns.push({ label: 'Key hash', key: 'api_key', cell: (r) => h('code', { title: r.api_key || '' },
      r.api_key ? r.api_key.slice(0, 12) + '…' : '') });
  }
  if (state.by === 'team') {
    columns.push({ label: 'Team id', key: 'team_id', cell: (r) => h('code', r.team_id || '') });
  }
  columns.push(
    { label: 'Requests', key: 'requests', num: true, cell: (r) => int(r.requests) },
    { label: 'Prompt tokens', key: 'prompt_tokens', num: true, cell: (r) => int(r.prompt_tokens) },
    { label: 'Completion tokens', key: 'completion_tokens', num: true, cell: (r) => int(r.completion_tokens) },
    { label: 'Spend (USD)', key: 'total_spend', num: true, cell: (r) => money(r.total_spend) });
  const csv = h('button.secondary', { type: 'button', on: { click: () => download(
    `spend_by_${state.by}_${state.from}_${state.to}.csv`, toCsv(columns, rows)) } }, 'Download CSV');
  return h('section', h('div.page-head', heading, csv), table(columns, rows, { caption: `Spend by ${dim.label.toLowerCase()}` }));
}
