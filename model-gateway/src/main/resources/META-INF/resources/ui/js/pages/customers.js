// Customers (end users: mpc-api's app, else the request's `user` field; LiteLLM's /customer/*): list, create, edit
// budget, block.
import { get, post } from '../api.js';
import { field, h, notice, table, toast } from '../dom.js';
import { limits } from '../format.js';
import { budgetBar } from './keys.js';

export const title = 'Customers';

/** Budget fields: on the customer itself, or (LiteLLM's shape) in its litellm_budget_table. */
function budgetOf(c) {
  const own = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null && v !== undefined));
  return { ...(c.litellm_budget_table || {}), ...own };
}

export async function render() {
  const formSlot = h('div');
  const listSlot = h('div');
  const root = h('div',
    h('div.page-head', h('h1', 'Customers'),
      h('button', { type: 'button', on: { click: () => openForm(formSlot, null, refresh) } }, 'Create customer')),
    h('p.muted', 'End users: the calling app as mpc-api names it, else the "user" field of the call. A customer\'s '
      + 'budget holds whichever key the call uses; a blocked customer\'s calls are refused.'), formSlot, listSlot);
  async function refresh() {
    const body = await get('/customer/list');
    const rows = Array.isArray(body) ? body : body.customers || body.data || [];
    if (!rows.length) {
      listSlot.replaceChildren(notice('empty', 'No customers yet',
        'Create one to give an end user a budget; calls of end users that are not customers are still served.'));
      return;
    }
    listSlot.replaceChildren(table([
      { label: 'Customer', cell: (c) => h('strong', c.alias || c.user_id) },
      { label: 'Id', cell: (c) => h('code', c.user_id) },
      { label: 'Spend / budget', cell: (c) => budgetBar(c.spend, budgetOf(c).max_budget) },
      { label: 'Limits', cell: (c) => limits(budgetOf(c)) },
      { label: 'Status', cell: (c) => h(`span.badge.${c.blocked ? 'bad' : 'ok'}`, c.blocked ? 'Blocked' : 'Active') },
      { label: 'Actions', cell: (c) => h('span.actions',
        h('button.small', { type: 'button', 'aria-label': `Edit ${c.user_id}`, on: { click: () => openForm(formSlot, c, refresh) } }, 'Edit'),
        h('button.small', { type: 'button', 'aria-label': `${c.blocked ? 'Unblock' : 'Block'} ${c.user_id}`, on: { click: async () => {
          try {
            await post(c.blocked ? '/customer/unblock' : '/customer/block', { user_ids: [c.user_id] });
            toast(`${c.user_id} ${c.blocked ? 'unblocked' : 'blocked'}`);
            await refresh();
          } catch (e) {
            toast(e.message);
          }
        } } }, c.blocked ? 'Unblock' : 'Block')) },
    ], rows, { caption: 'Customers' }));
  }
  await refresh();
  return root;
}

function openForm(slot, existing, refresh) {
  const b = existing ? budgetOf(existing) : {};
  const id = existing ? null : field('Customer id', { required: true },
    'The app name mpc-api passes on, or the "user" value the calls carry.');
  const alias = field('Name', { value: existing?.alias || '' });
  const budget = field('Max budget (USD)', { type: 'number', min: '0', step: 'any', value: b.max_budget ?? '' });
  const period = field('Budget period', { tag: 'select', options: [['', 'never resets'], ['1d', 'daily'], ['7d', 'weekly'], ['30d', 'monthly (30 days)']] });
  period.input.value = b.budget_duration || '';
  const rpm = field('Requests per minute', { type: 'number', min: '0', step: '1', value: b.rpm_limit ?? '' });
  const tpm = field('Tokens per minute', { type: 'number', min: '0', step: '1', value: b.tpm_limit ?? '' });
  const error = h('p.error', { role: 'alert', hidden: true });
  const form = h('form.card', { 'aria-label': existing ? 'Edit customer' : 'Create customer' },
    h('h2', existing ? `Edit ${existing.alias || existing.user_id}` : 'Create customer'),
    h('div.grid', id?.row, alias.row, budget.row, period.row, rpm.row, tpm.row), error,
    h('div.actions', h('button', { type: 'submit' }, existing ? 'Save' : 'Create customer'),
      h('button.secondary', { type: 'button', on: { click: () => slot.replaceChildren() } }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const num = (f) => (f.input.value.trim() === '' ? null : Number(f.input.value));
    const body = {
      user_id: existing ? existing.user_id : id.input.value.trim(), alias: alias.input.value.trim() || null,
      max_budget: num(budget), budget_duration: period.input.value || null, rpm_limit: num(rpm), tpm_limit: num(tpm),
    };
    try {
      if (existing) await post('/customer/update', body);
      else await post('/customer/new', Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null)));
      slot.replaceChildren();
      toast(existing ? 'Customer saved' : 'Customer created');
      await refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  slot.replaceChildren(form);
  (id || alias).input.focus();
}
