// Models: each model group, its deployments (provider, limits, prices) and their live state in this gateway's router;
// deployments added at run time (/model/new, stored by cost-tracker) can be added, edited and deleted here.
import { get, post } from '../api.js';
import { confirmDialog, field, h, notice, table, toast } from '../dom.js';
import { int, time } from '../format.js';

export const title = 'Models';

/** USD per token as USD per 1M tokens, without binary-fraction noise (0.15, not 0.15000000000000002). */
function toMillion(v) {
  if (v === null || v === undefined || v === '') return null;
  return Number((Number(v) * 1e6).toPrecision(12));
}

function perMillion(v) {
  const n = toMillion(v);
  return n === null ? null : '$' + (Math.round(n * 1000) / 1000).toString();
}

function price(info) {
  const input = perMillion(info.input_cost_per_token);
  const output = perMillion(info.output_cost_per_token);
  if (!input && !output) return h('span.muted', { title: 'priced by cost-tracker\'s built-in table' }, 'price table');
  return `${input || '?'} in / ${output || '?'} out per 1M tokens`;
}

function stateCell(s) {
  if (!s) return h('span.muted', 'unknown');
  if (s.state === 'cooling_down') {
    return h('span', h('span.badge.bad', 'Cooling down'), h('small', ` until ${time(s.cooldown_until)}`));
  }
  if (s.state === 'failing') {
    return h('span', h('span.badge.warn', `${int(s.failures_this_minute)} failures`), h('small', ' this minute'));
  }
  return h('span.badge.ok', 'Healthy');
}

export async function render() {
  const formSlot = h('div');
  const listSlot = h('div');
  const stamp = h('span');
  const root = h('div',
    h('div.page-head', h('h1', 'Models'),
      h('button', { type: 'button', on: { click: () => openForm(formSlot, null, refresh) } }, 'Add model')),
    h('p.muted', 'Model groups of the gateway\'s config file and those added here, and what its router knows about '
      + 'each deployment now (', stamp, '; this replica\'s view). A deployment cools down after repeated failures and '
      + 'gets no calls until the cooldown ends. Models added here are stored by cost-tracker and served by every '
      + 'gateway replica within seconds; those of the config file change only there.'),
    formSlot, listSlot);

  async function refresh() {
    const [info, state] = await Promise.all([get('/model/info'), get('/model/state')]);
    stamp.textContent = `as of ${time(state.time)}`;
    const states = new Map((state.data || []).map((s) => [s.model_id, s]));
    const groups = new Map();
    for (const d of info.data || []) {
      const list = groups.get(d.model_name) || [];
      list.push(d);
      groups.set(d.model_name, list);
    }
    if (!groups.size) {
      listSlot.replaceChildren(notice('empty', 'No models yet',
        'Add one with "Add model", or add model_list entries to the gateway\'s config.yaml (CONFIG_FILE_PATH) and '
        + 'restart it.'));
      return;
    }
    const columns = [
      { label: 'Deployment', cell: (d) => h('span', h('code.id', { title: d.model_info.id }, d.model_info.id), ' ', d.model_info.db_model
        ? h('span.badge.ok', { title: 'stored by cost-tracker; editable here' }, 'Added here')
        : h('small.muted', { title: 'changed only in config.yaml' }, 'config file')) },
      { label: 'Upstream model', cell: (d) => d.litellm_params.model + (d.litellm_params.mock_response ? ' (mock)' : '') },
      { label: 'API base', cell: (d) => d.litellm_params.api_base || '' },
      { label: 'Limits', cell: (d) => [d.litellm_params.rpm != null ? `${int(d.litellm_params.rpm)} rpm` : null,
        d.litellm_params.tpm != null ? `${int(d.litellm_params.tpm)} tpm` : null].filter(Boolean).join(', ') || 'none' },
      { label: 'State', cell: (d) => stateCell(states.get(d.model_info.id)) },
      { label: 'This minute', num: true, cell: (d) => {
        const s = states.get(d.model_info.id);
        return s ? `${int(s.requests_this_minute)} req, ${int(s.tokens_this_minute)} tok` : '';
      } },
      { label: 'Latency', num: true, cell: (d) => {
        const s = states.get(d.model_info.id);
        return s && s.latency_ms != null ? `${int(Math.round(s.latency_ms))} ms` : '';
      } },
      { label: 'Price', cell: (d) => price(d.model_info) },
      { label: 'Actions', cell: (d) => (d.model_info.db_model ? actions(d, formSlot, refresh) : '') },
    ];
    const sections = [];
    for (const [name, deployments] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const mode = deployments[0].model_info.mode;
      sections.push(h('section.group', { 'aria-label': `Model group ${name}` },
        h('h2', name, h('small.muted', ` ${mode || ''} · ${deployments.length} deployment${deployments.length > 1 ? 's' : ''}`)),
        table(columns, deployments)));
    }
    listSlot.replaceChildren(...sections);
  }

  await refresh();
  return root;
}

function actions(d, formSlot, refresh) {
  const id = d.model_info.id;
  return h('span.actions',
    h('button.small', { type: 'button', 'aria-label': `Edit ${id}`, on: { click: () => openForm(formSlot, d, refresh) } }, 'Edit'),
    h('button.small.danger', { type: 'button', 'aria-label': `Delete ${id}`, on: { click: async () => {
      const sure = await confirmDialog(`Delete ${d.model_name}?`,
        `Deployment ${id} stops serving on every gateway replica within seconds; calls to ${d.model_name} then fail `
        + 'unless another deployment serves it.', 'Delete');
      if (!sure) return;
      try {
        await post('/model/delete', { id });
        toast(`${id} deleted`);
        await refresh();
      } catch (e) {
        toast(e.message);
      }
    } } }, 'Delete'));
}

/** The add or edit form of a stored deployment; {@code existing} is its /model/info entry. */
function openForm(slot, existing, refresh) {
  const params = existing?.litellm_params || {};
  const info = existing?.model_info || {};
  const name = field('Model name', { value: existing?.model_name || '', required: true },
    'The name clients call (a model group; several deployments of one name share its load).');
  const model = field('Provider model', { value: params.model || '', required: true, placeholder: 'openai/gpt-4o-mini' },
    '<provider>/<model>, as litellm_params.model in config.yaml.');
  const base = field('API base', { value: params.api_base || '', placeholder: 'https://api.openai.com/v1' },
    'Empty: the provider\'s default.');
  const key = field('API key', { type: 'password', autocomplete: 'off', value: '' },
    existing ? 'Empty: keep the stored key. It is never shown again.'
      : 'Stored by cost-tracker and never shown again; os.environ/NAME reads it from each gateway\'s environment.');
  const rpm = field('Requests per minute', { type: 'number', min: '1', step: '1', value: params.rpm ?? '' });
  const tpm = field('Tokens per minute', { type: 'number', min: '1', step: '1', value: params.tpm ?? '' });
  const input = field('Input price (USD per 1M tokens)', { type: 'number', min: '0', step: 'any', value: toMillion(info.input_cost_per_token) ?? '' });
  const output = field('Output price (USD per 1M tokens)', { type: 'number', min: '0', step: 'any', value: toMillion(info.output_cost_per_token) ?? '' });
  const groups = field('Access groups', { value: (info.access_groups || []).join(', ') },
    'Comma-separated; a key or team listing a group may call this model.');
  const error = h('p.error', { role: 'alert', hidden: true });
  const label = existing ? `Edit ${info.id}` : 'Add model';
  const form = h('form.card', { 'aria-label': existing ? 'Edit model' : 'Add model' },
    h('h2', label),
    h('div.grid', name.row, model.row, base.row, key.row, rpm.row, tpm.row, input.row, output.row, groups.row), error,
    h('div.actions', h('button', { type: 'submit' }, existing ? 'Save' : 'Add model'),
      h('button.secondary', { type: 'button', on: { click: () => slot.replaceChildren() } }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = (f) => (f.input.value.trim() === '' ? null : f.input.value.trim());
    const num = (f) => (f.input.value.trim() === '' ? null : Number(f.input.value));
    const perToken = (f) => (num(f) === null ? null : Number((num(f) / 1e6).toPrecision(12)));
    const litellmParams = { model: text(model), api_base: text(base), rpm: num(rpm), tpm: num(tpm) };
    if (text(key) !== null) litellmParams.api_key = text(key);
    const modelInfo = {
      input_cost_per_token: perToken(input),
      output_cost_per_token: perToken(output),
      access_groups: groups.input.value.split(',').map((s) => s.trim()).filter(Boolean),
    };
    if (!modelInfo.access_groups.length) modelInfo.access_groups = null;
    try {
      if (existing) {
        // null removes a field the form emptied
        await post('/model/update', { model_name: text(name), litellm_params: litellmParams,
          model_info: { id: info.id, ...modelInfo } });
      } else {
        const set = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
        await post('/model/new', { model_name: text(name), litellm_params: set(litellmParams), model_info: set(modelInfo) });
      }
      slot.replaceChildren();
      toast(existing ? 'Model saved' : 'Model added');
      await refresh();
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  slot.replaceChildren(form);
  name.input.focus();
}
