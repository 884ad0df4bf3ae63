// Models: each model group, its deployments (provider, limits, prices) and their live state in this gateway's router.
import { get } from '../api.js';
import { h, notice, table } from '../dom.js';
import { int, time } from '../format.js';

export const title = 'Models';

function perMillion(v) {
  if (v === null || v === undefined) return null;
  const n = Number(v) * 1e6;
  return '$' + (Math.round(n * 1000) / 1000).toString();
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
  const [info, state] = await Promise.all([get('/model/info'), get('/model/state')]);
  const states = new Map((state.data || []).map((s) => [s.model_id, s]));
  const groups = new Map();
  for (const d of info.data || []) {
    const list = groups.get(d.model_name) || [];
    list.push(d);
    groups.set(d.model_name, list);
  }
  const root = h('div', h('h1', 'Models'),
    h('p.muted', `Model groups of the gateway's config and what its router knows about each deployment now `
      + `(as of ${time(state.time)}; this replica's view). A deployment cools down after repeated failures and `
      + 'gets no calls until the cooldown ends.'));
  if (!groups.size) {
    root.append(notice('empty', 'No models configured',
      'Add model_list entries to the gateway\'s config.yaml (CONFIG_FILE_PATH) and restart it.'));
    return root;
  }
  const columns = [
    { label: 'Deployment', cell: (d) => h('code', d.model_info.id) },
    { label: 'Provider', cell: (d) => d.model_info.litellm_provider },
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
  ];
  for (const [name, deployments] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const mode = deployments[0].model_info.mode;
    root.append(h('section.group', { 'aria-label': `Model group ${name}` },
      h('h2', name, h('small.muted', ` ${mode || ''} · ${deployments.length} deployment${deployments.length > 1 ? 's' : ''}`)),
      table(columns, deployments)));
  }
  return root;
}
