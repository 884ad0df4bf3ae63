// Logs: one row per call from /spend/logs, newest first, with filters and paging; a row opens its details.
import { call, get, query } from '../api.js';
import { field, h, notice, table } from '../dom.js';
import { int, money, time } from '../format.js';
import { hashParams, modelGroups } from './common.js';

export const title = 'Logs';
const PAGE_SIZE = 50;

async function keyOptions() {
  try {
    const list = await get('/key/list' + query({ size: 1000, return_full_object: 'true' }));
    return (list.keys || []).map((k) => [k.token, k.key_alias || k.key_name]);
  } catch {
    return [];
  }
}

export async function render() {
  const p = hashParams();
  const f = {
    key: p.get('key') || '', model: p.get('model') || '', status: p.get('status') || '',
    from: p.get('from') || '', to: p.get('to') || '', page: Math.max(1, Number(p.get('page')) || 1),
  };
  const [keys, groups] = await Promise.all([keyOptions(), modelGroups()]);
  const key = field('Key', { tag: 'select', name: 'key', options: [['', 'all keys'], ...keys] });
  key.input.value = f.key;
  const model = field('Model', { tag: 'select', name: 'model', options: [['', 'all models'], ...groups.map((g) => [g, g])] });
  model.input.value = f.model;
  const status = field('Status', { tag: 'select', name: 'status', options: [['', 'any'], ['success', 'success'], ['failure', 'failure']] });
  status.input.value = f.status;
  const from = field('From', { type: 'date', name: 'from', value: f.from });
  const to = field('To', { type: 'date', name: 'to', value: f.to });
  const form = h('form.filters', { 'aria-label': 'Log filters' }, key.row, model.row, status.row, from.row, to.row,
    h('button', { type: 'submit' }, 'Filter'));
  const params = (over) => ({ key: key.input.value, model: model.input.value, status: status.input.value,
    from: from.input.value, to: to.input.value, ...over });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/logs' + query(params({}));
  });

  const response = await call('GET', '/spend/logs' + query({ api_key: f.key, model: f.model, status: f.status,
    start_date: f.from, end_date: f.to, page: f.page, page_size: PAGE_SIZE }));
  const rows = Array.isArray(response.body) ? response.body : response.body?.data || [];
  // cost-tracker says whether older rows exist (x-next-page, relayed by the gateway)
  const hasNext = response.headers.get('x-next-page') !== null;
  const details = h('div#log-details');
  const root = h('div', h('h1', 'Logs'), form);
  if (!rows.length) {
    root.append(notice('empty', f.page > 1 ? 'No more calls' : 'No calls match',
      'Every call through the gateway is listed here within seconds of its end. Clear the filters or widen the dates.'));
  } else {
    const columns = [
      { label: 'Time', cell: (r) => time(r.startTime) },
      { label: 'Key', cell: (r) => r.key_alias || (r.api_key ? r.api_key.slice(0, 10) + '…' : '') },
      { label: 'Model', cell: (r) => r.model_group || r.model },
      { label: 'Tokens', num: true, cell: (r) => `${int(r.prompt_tokens)} + ${int(r.completion_tokens)}` },
      { label: 'Cost', num: true, cell: (r) => money(r.spend) },
      { label: 'Latency', num: true, cell: (r) => (r.latency_ms == null ? '' : `${int(r.latency_ms)} ms`) },
      { label: 'Status', cell: (r) => h(`span.badge.${r.status === 'success' ? 'ok' : 'bad'}`,
        r.status === 'success' ? 'success' : `${r.status || 'failure'}${r.http_status ? ' ' + r.http_status : ''}`) },
    ];
    root.append(table(columns, rows, { caption: 'Calls, newest first', onRow: (r, tr) => showDetails(details, r, tr) }));
  }
  root.append(h('nav.pager', { 'aria-label': 'Pages' },
    f.page > 1 ? h('a', { href: '#/logs' + query({ ...f, page: f.page - 1 }) }, '← Newer') : null,
    h('span', `Page ${f.page}`),
    hasNext ? h('a', { href: '#/logs' + query({ ...f, page: f.page + 1 }) }, 'Older →') : null));
  root.append(details);
  return root;
}

function showDetails(slot, r, tr) {
  for (const other of tr.parentElement.children) other.removeAttribute('aria-selected');
  tr.setAttribute('aria-selected', 'true');
  const entries = Object.entries(r).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && !v.length));
  const close = h('button.secondary', { type: 'button', on: { click: () => { slot.replaceChildren(); tr.focus(); } } }, 'Close');
  slot.replaceChildren(h('section.card', { 'aria-label': 'Call details' },
    h('div.page-head', h('h2', `Call ${r.request_id || ''}`), close),
    h('dl.details', entries.map(([k, v]) => [h('dt', k),
      h('dd', typeof v === 'object' ? JSON.stringify(v) : String(v))]))));
  close.focus();
}
