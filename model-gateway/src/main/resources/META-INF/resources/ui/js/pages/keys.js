// Keys: list with spend against budget, create (the key is shown once), its calls, edit, block/unblock, regenerate,
// delete.
import { get, post, query } from '../api.js';
import { confirmDialog, field, h, notice, table, toast } from '../dom.js';
import { int, limits, money, time } from '../format.js';
import { hashParams, modelGroups, teamOptions } from './common.js';

export const title = 'Keys';
const PAGE_SIZE = 50;

export async function render() {
  const params = hashParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const teamId = params.get('team_id') || '';
  const root = h('div');
  const formSlot = h('div');
  const header = h('div.page-head', h('h1', teamId ? `Keys of team ${teamId}` : 'Keys'),
    h('button', { type: 'button', on: { click: () => openForm(formSlot, null, refresh) } }, 'Create key'));
  const listSlot = h('div');
  root.append(header, h('p.muted', 'One key per app or person: each has its own budget, limits and allowed models. '
    + 'Calls with a blocked key are refused.'), formSlot, listSlot);

  async function refresh() {
    const [list, teams] = await Promise.all([
      get('/key/list' + query({ page, size: PAGE_SIZE, return_full_object: 'true', team_id: teamId })), teamOptions()]);
    const teamNames = new Map((teams || []).map((t) => [t.team_id, t.team_alias || t.team_id]));
    listSlot.replaceChildren(renderList(list, page, teamId, refresh, formSlot, teamNames));
  }
  await refresh();
  return root;
}

function status(k) {
  if (k.blocked) return h('span.badge.bad', 'Blocked');
  if (k.expires && new Date(k.expires) < new Date()) return h('span.badge.warn', 'Expired');
  if (k.max_budget != null && Number(k.spend) >= Number(k.max_budget)) return h('span.badge.warn', 'Over budget');
  return h('span.badge.ok', 'Active');
}

export function budgetBar(spend, max) {
  if (max === null || max === undefined) {
    return h('span', `${money(spend || 0)} `, h('span.muted', 'no budget'));
  }
  const used = Number(spend || 0);
  const cap = Number(max);
  const meter = h('meter', { min: 0, max: cap || 1, value: Math.min(used, cap), high: cap * 0.8, optimum: 0,
    'aria-label': `spend ${money(used)} of ${money(cap)}` });
  return h('span.budget', meter, h('span', `${money(used)} / ${money(cap)}`));
}

function renderList(list, page, teamId, refresh, formSlot, teamNames) {
  const rows = list.keys || [];
  if (!rows.length) {
    return notice('empty', teamId ? 'This team has no keys yet' : 'No keys yet',
      'Create one with "Create key" above, then give it to the app that calls the gateway.');
  }
  const columns = [
    { label: 'Alias', cell: (k) => h('strong', k.key_alias || '(no alias)') },
    { label: 'Key', cell: (k) => h('code', k.key_name || '') },
    { label: 'Team', cell: (k) => k.team_id
      ? h('a', { href: `#/teams?team_id=${encodeURIComponent(k.team_id)}` }, teamNames.get(k.team_id) || k.team_id) : '' },
    { label: 'Spend / budget', cell: (k) => h('span', budgetBar(k.spend, k.max_budget),
      k.budget_duration ? h('small.muted', ` per ${k.budget_duration}`) : null) },
    { label: 'Limits', cell: (k) => limits(k) },
    { label: 'Models', cell: (k) => (k.models && k.models.length ? k.models.join(', ') : 'all') },
    { label: 'Expires', cell: (k) => (k.expires ? time(k.expires) : 'never') },
    { label: 'Status', cell: status },
    { label: 'Actions', cell: (k) => actions(k, refresh, formSlot) },
  ];
  const pager = h('nav.pager', { 'aria-label': 'Pages' },
    page > 1 ? h('a', { href: pageHref(page - 1, teamId) }, '← Previous') : null,
    h('span', `Page ${list.current_page || page} of ${Math.max(1, list.total_pages || 1)} · ${int(list.total_count)} keys`),
    page < (list.total_pages || 1) ? h('a', { href: pageHref(page + 1, teamId) }, 'Next →') : null);
  return h('div', table(columns, rows, { caption: 'Virtual keys' }), pager);
}

function pageHref(page, teamId) {
  return '#/keys' + query({ team_id: teamId, page });
}

function actions(k, refresh, formSlot) {
  const label = k.key_alias || k.key_name;
  const act = (text, fn, cls) => h(`button.small${cls ? '.' + cls : ''}`, { type: 'button', 'aria-label': `${text} ${label}`,
    on: { click: async (e) => {
      e.target.disabled = true;
      try {
        await fn();
      } catch (err) {
        toast(`${text} failed: ${err.message}`);
      } finally {
        e.target.disabled = false;
      }
    } } }, text);
  return h('span.actions',
    h('a.button.small', { href: '#/logs' + query({ key: k.token }), 'aria-label': `Calls of ${label}` }, 'Calls'),
    act('Edit', async () => openForm(formSlot, k, refresh)),
    act(k.blocked ? 'Unblock' : 'Block', async () => {
      await post('/key/update', { key: k.token, blocked: !k.blocked });
      toast(`${label} ${k.blocked ? 'unblocked' : 'blocked'}`);
      await refresh();
    }),
    act('Regenerate', async () => {
      if (!await confirmDialog(`Regenerate ${label}?`,
        'A new key replaces this one at once; apps still using the old key are refused. Settings and spend stay.',
        'Regenerate')) return;
      const fresh = await post('/key/regenerate', { key: k.token });
      formSlot.replaceChildren(showNewKey(fresh, 'Key regenerated'));
      await refresh();
    }),
    act('Delete', async () => {
      if (!await confirmDialog(`Delete ${label}?`,
        'Calls with this key are refused from now on. Its past spend stays in the reports. This cannot be undone.',
        'Delete')) return;
      await post('/key/delete', { keys: [k.token] });
      toast(`${label} deleted`);
      await refresh();
    }, 'danger'));
}

function showNewKey(result, heading) {
  const value = h('input#new-key', { type: 'text', readonly: true, value: result.key, 'aria-label': 'New key',
    spellcheck: 'false' });
  const copy = h('button', { type: 'button', on: { click: async () => {
    value.select();
    try {
      await navigator.clipboard.writeText(result.key);
      toast('Key copied');
    } catch {
      document.execCommand('copy');
      toast('Key selected: press Ctrl+C to copy it');
    }
  } } }, 'Copy');
  return h('div.card.new-key', { role: 'region', 'aria-label': heading },
    h('h2', heading),
    h('p', h('strong', 'Copy it now: '), 'it is shown only this once (only its hash is stored).'),
    h('div.copy-row', value, copy),
    h('p.muted', 'Use it as ', h('code', 'Authorization: Bearer <key>'), ' with the gateway\'s OpenAI-compatible API.'),
    h('button.secondary', { type: 'button', on: { click: (e) => e.target.closest('.new-key').remove() } }, 'Done'));
}

async function openForm(slot, existing, refresh) {
  const [groups, teams] = await Promise.all([modelGroups(), teamOptions()]);
  const alias = field('Key alias', { name: 'key_alias', required: !existing, value: existing?.key_alias || '' },
    'A name that says who uses it, e.g. "dify-prod".');
  const models = field('Models', { name: 'models', value: (existing?.models || []).join(', '), list: 'model-groups' },
    'Comma-separated model groups this key may call; empty = all.');
  const datalist = h('datalist#model-groups', groups.map((g) => h('option', { value: g })));
  const budget = field('Max budget (USD)', { name: 'max_budget', type: 'number', min: '0', step: 'any',
    value: existing?.max_budget ?? '' }, 'Calls are refused once spend reaches it; empty = no budget.');
  const period = field('Budget period', { tag: 'select', name: 'budget_duration',
    options: [['', 'never resets'], ['1d', 'daily'], ['7d', 'weekly'], ['30d', 'monthly (30 days)']] });
  period.input.value = existing?.budget_duration || '';
  const duration = existing ? null : field('Duration', { name: 'duration', placeholder: 'e.g. 30d' },
    'How long the key lives (30s, 30m, 30h, 30d); empty = until deleted.');
  const rpm = field('Requests per minute', { name: 'rpm_limit', type: 'number', min: '0', step: '1', value: existing?.rpm_limit ?? '' });
  const tpm = field('Tokens per minute', { name: 'tpm_limit', type: 'number', min: '0', step: '1', value: existing?.tpm_limit ?? '' });
  const parallel = field('Max parallel requests', { name: 'max_parallel_requests', type: 'number', min: '0', step: '1',
    value: existing?.max_parallel_requests ?? '' });
  const team = teams
    ? field('Team', { tag: 'select', name: 'team_id', options: [['', '(no team)'], ...teams.map((t) => [t.team_id, t.team_alias || t.team_id])] })
    : field('Team', { name: 'team_id', value: existing?.team_id || '' }, 'Team id (optional).');
  team.input.value = existing?.team_id || '';
  const error = h('p.error', { role: 'alert', hidden: true });
  const form = h('form.card', { 'aria-label': existing ? 'Edit key' : 'Create key' },
    h('h2', existing ? `Edit ${existing.key_alias || existing.key_name}` : 'Create key'),
    h('div.grid', alias.row, models.row, datalist, budget.row, period.row, duration?.row, rpm.row, tpm.row, parallel.row, team.row),
    error,
    h('div.actions',
      h('button', { type: 'submit' }, existing ? 'Save' : 'Create key'),
      h('button.secondary', { type: 'button', on: { click: () => slot.replaceChildren() } }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    const text = (f) => f.input.value.trim();
    const number = (f) => (text(f) === '' ? null : Number(text(f)));
    if (text(alias) || !existing) body.key_alias = text(alias);
    body.models = text(models) ? text(models).split(',').map((s) => s.trim()).filter(Boolean) : [];
    body.max_budget = number(budget);
    body.budget_duration = text(period) || null;
    if (duration && text(duration)) body.duration = text(duration);
    body.rpm_limit = number(rpm);
    body.tpm_limit = number(tpm);
    body.max_parallel_requests = number(parallel);
    body.team_id = text(team) || null;
    if (!existing) {
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      if (existing) {
        await post('/key/update', { key: existing.token, ...body });
        slot.replaceChildren();
        toast('Key saved');
      } else {
        const created = await post('/key/generate', body);
        slot.replaceChildren(showNewKey(created, `Key "${created.key_alias || body.key_alias}" created`));
      }
      await refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  slot.replaceChildren(form);
  alias.input.focus();
}
