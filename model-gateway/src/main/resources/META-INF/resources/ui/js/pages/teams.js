// Teams (LiteLLM's /team/*): list, create, edit budgets and limits, block; a team's keys and members.
import { get, post, query } from '../api.js';
import { field, h, notice, table, toast } from '../dom.js';
import { int, limits, money } from '../format.js';
import { budgetBar } from './keys.js';
import { hashParams } from './common.js';

export const title = 'Teams';

function teamsOf(body) {
  return Array.isArray(body) ? body : body.teams || body.data || [];
}

export async function render() {
  const teamId = hashParams().get('team_id');
  return teamId ? renderTeam(teamId) : renderList();
}

async function renderList() {
  const formSlot = h('div');
  const listSlot = h('div');
  const root = h('div',
    h('div.page-head', h('h1', 'Teams'),
      h('button', { type: 'button', on: { click: () => openForm(formSlot, null, refresh) } }, 'Create team')),
    h('p.muted', 'A team\'s budget holds for all its keys together; a blocked team\'s keys are refused.'),
    formSlot, listSlot);
  async function refresh() {
    const teams = teamsOf(await get('/team/list'));
    if (!teams.length) {
      listSlot.replaceChildren(notice('empty', 'No teams yet', 'Create one, then pick it as the team of a key.'));
      return;
    }
    listSlot.replaceChildren(table([
      { label: 'Team', cell: (t) => h('a', { href: `#/teams?team_id=${encodeURIComponent(t.team_id)}` }, t.team_alias || t.team_id) },
      { label: 'Spend / budget', cell: (t) => budgetBar(t.spend, t.max_budget) },
      { label: 'Limits', cell: (t) => limits(t) },
      { label: 'Models', cell: (t) => (t.models && t.models.length ? t.models.join(', ') : 'all') },
      { label: 'Members', num: true, cell: (t) => int((t.members_with_roles || []).length) },
      { label: 'Status', cell: (t) => h(`span.badge.${t.blocked ? 'bad' : 'ok'}`, t.blocked ? 'Blocked' : 'Active') },
      { label: 'Actions', cell: (t) => actions(t, refresh, formSlot) },
    ], teams, { caption: 'Teams' }));
  }
  await refresh();
  return root;
}

function actions(t, refresh, formSlot) {
  const name = t.team_alias || t.team_id;
  return h('span.actions',
    h('button.small', { type: 'button', 'aria-label': `Edit ${name}`, on: { click: () => openForm(formSlot, t, refresh) } }, 'Edit'),
    h('button.small', { type: 'button', 'aria-label': `${t.blocked ? 'Unblock' : 'Block'} ${name}`, on: { click: async () => {
      try {
        await post(t.blocked ? '/team/unblock' : '/team/block', { team_id: t.team_id });
        toast(`${name} ${t.blocked ? 'unblocked' : 'blocked'}`);
        await refresh();
      } catch (e) {
        toast(e.message);
      }
    } } }, t.blocked ? 'Unblock' : 'Block'));
}

function openForm(slot, existing, refresh) {
  const alias = field('Team name', { value: existing?.team_alias || '', required: true });
  const models = field('Models', { value: (existing?.models || []).join(', ') }, 'Comma-separated model groups; empty = all.');
  const budget = field('Max budget (USD)', { type: 'number', min: '0', step: 'any', value: existing?.max_budget ?? '' });
  const period = field('Budget period', { tag: 'select', options: [['', 'never resets'], ['1d', 'daily'], ['7d', 'weekly'], ['30d', 'monthly (30 days)']] });
  period.input.value = existing?.budget_duration || '';
  const rpm = field('Requests per minute', { type: 'number', min: '0', step: '1', value: existing?.rpm_limit ?? '' });
  const tpm = field('Tokens per minute', { type: 'number', min: '0', step: '1', value: existing?.tpm_limit ?? '' });
  const error = h('p.error', { role: 'alert', hidden: true });
  const form = h('form.card', { 'aria-label': existing ? 'Edit team' : 'Create team' },
    h('h2', existing ? `Edit ${existing.team_alias || existing.team_id}` : 'Create team'),
    h('div.grid', alias.row, models.row, budget.row, period.row, rpm.row, tpm.row), error,
    h('div.actions', h('button', { type: 'submit' }, existing ? 'Save' : 'Create team'),
      h('button.secondary', { type: 'button', on: { click: () => slot.replaceChildren() } }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const num = (f) => (f.input.value.trim() === '' ? null : Number(f.input.value));
    const body = {
      team_alias: alias.input.value.trim(),
      models: models.input.value.split(',').map((s) => s.trim()).filter(Boolean),
      max_budget: num(budget), budget_duration: period.input.value || null, rpm_limit: num(rpm), tpm_limit: num(tpm),
    };
    try {
      if (existing) await post('/team/update', { team_id: existing.team_id, ...body });
      else await post('/team/new', Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null)));
      slot.replaceChildren();
      toast(existing ? 'Team saved' : 'Team created');
      await refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  slot.replaceChildren(form);
  alias.input.focus();
}

async function renderTeam(teamId) {
  const [infoBody, keys] = await Promise.all([
    get('/team/info' + query({ team_id: teamId })),
    get('/key/list' + query({ team_id: teamId, size: 100, return_full_object: 'true' })),
  ]);
  const t = infoBody.team_info || infoBody;
  const members = t.members_with_roles || [];
  const root = h('div', h('p', h('a', { href: '#/teams' }, '← All teams')),
    h('h1', `Team ${t.team_alias || teamId}`),
    h('p', 'Spend ', budgetBar(t.spend, t.max_budget), ` · limits: ${limits(t)}`));
  const user = field('User id', { name: 'user_id' });
  const role = field('Role', { tag: 'select', options: [['user', 'user'], ['admin', 'admin']] });
  const add = h('form.filters', { 'aria-label': 'Add member' }, user.row, role.row, h('button', { type: 'submit' }, 'Add member'));
  add.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/team/member_add', { team_id: teamId, member: { user_id: user.input.value.trim(), role: role.input.value } });
      toast('Member added');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      toast(err.message);
    }
  });
  root.append(h('h2', 'Members'), members.length
    ? table([{ label: 'User', key: 'user_id' }, { label: 'Role', key: 'role' },
      { label: 'Actions', cell: (m) => h('button.small', { type: 'button', 'aria-label': `Remove ${m.user_id}`, on: { click: async () => {
        try {
          await post('/team/member_delete', { team_id: teamId, user_id: m.user_id });
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        } catch (err) {
          toast(err.message);
        }
      } } }, 'Remove') }], members, { caption: 'Members' })
    : notice('empty', 'No members', 'Add internal users by their user id.'), add);
  const list = keys.keys || [];
  root.append(h('h2', 'Keys'), list.length
    ? table([{ label: 'Alias', cell: (k) => k.key_alias || k.key_name }, { label: 'Spend / budget', cell: (k) => budgetBar(k.spend, k.max_budget) },
      { label: 'Status', cell: (k) => (k.blocked ? 'Blocked' : 'Active') }], list, { caption: 'Keys of this team' })
    : notice('empty', 'No keys in this team', 'Create a key on the Keys page and pick this team.'),
  h('p', h('a', { href: `#/keys?team_id=${encodeURIComponent(teamId)}` }, 'Manage these keys')));
  return root;
}
