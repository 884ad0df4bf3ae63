// Validates Kubernetes manifests offline:
//  - schema: every document against the Kubernetes OpenAPI models (kubernetes-models: required
//    fields, types, formats);
//  - strict fields: any field the Kubernetes API does not define is an error (walk of the typed
//    attribute maps of @kubernetes/client-node), as `kubectl apply --validate=strict` would do;
//  - references: workload selectors match their pod labels, Services select an existing workload,
//    referenced Secrets/ConfigMaps exist (Secrets may come from secrets.example.yml);
//  - kustomization.yaml lists existing files and every hand-written manifest;
//  - the gateway ConfigMap holds a valid LiteLLM config whose model_list equals the compose one.
// Usage: node k8s-validate.mjs [--expect-invalid] FILE_OR_DIR...   (default: ../../k8s)
// --expect-invalid: succeed only if each file yields the error named by its '# expect:' line.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const modelsDir = join(here, 'node_modules/@kubernetes/client-node/dist/gen/models');

const args = process.argv.slice(2);
const expectInvalid = args.includes('--expect-invalid');
const targets = args.filter((a) => a !== '--expect-invalid');
if (targets.length === 0) targets.push(join(repoRoot, 'k8s'));

const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);

function manifestFiles(target) {
  if (statSync(target).isDirectory()) {
    return readdirSync(target)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
      .sort()
      .map((f) => join(target, f));
  }
  return [target];
}

// ---------------------------------------------------------------- schema (kubernetes-models)
// Custom resources with a published model package (their group -> package); the core kinds come from
// kubernetes-models.
const crdPackages = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };

async function schemaModel(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path = crdPackages[group]
    ? `${crdPackages[group]}/${group}/${version}/${kind}`
    : group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- strict fields (client-node)
const typeMaps = new Map();
async function attributeMap(typeName) {
  if (!typeMaps.has(typeName)) {
    const file = join(modelsDir, `${typeName}.js`);
    if (!existsSync(file)) {
      typeMaps.set(typeName, null);
    } else {
      const mod = await import(pathToFileURL(file).href);
      typeMaps.set(typeName, mod[typeName].getAttributeTypeMap());
    }
  }
  return typeMaps.get(typeName);
}

const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

async function walk(value, type, path, where) {
  if (value === null || value === undefined || SCALARS.has(type)) return;
  let m = /^Array<(.+)>$/.exec(type);
  if (m) {
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) await walk(value[i], m[1], `${path}[${i}]`, where);
    return;
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) await walk(v, m[1], `${path}.${k}`, where);
    return;
  }
  const attrs = await attributeMap(type);
  if (!attrs) {
    err(where, `${path}: no schema for type ${type}`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return; // type errors come from the schema check
  const byName = new Map(attrs.map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!byName.has(k)) err(where, `${path}.${k}: unknown field (not in ${type})`);
    else await walk(v, byName.get(k), `${path}.${k}`, where);
  }
}

function clientTypeName(apiVersion, kind) {
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

// ---------------------------------------------------------------- reference checks
const podTemplateKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function matches(selector, labels) {
  return Object.entries(selector || {}).every(([k, v]) => labels?.[k] === v);
}

function checkReferences(docs, allDocs) {
  const secrets = new Set(allDocs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name));
  const configMaps = new Set(allDocs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name));
  const workloads = allDocs.filter((d) => podTemplateKinds.has(d.kind));
  for (const d of docs) {
    const where = `${d.__file} ${d.kind}/${d.metadata?.name}`;
    if (podTemplateKinds.has(d.kind)) {
      const sel = d.spec?.selector?.matchLabels;
      if (!sel || !matches(sel, d.spec?.template?.metadata?.labels)) err(where, 'spec.selector.matchLabels do not match the pod template labels');
      const pod = d.spec?.template?.spec || {};
      const containers = [...(pod.containers || []), ...(pod.initContainers || [])];
      for (const c of containers) {
        for (const e of c.env || []) {
          const s = e.valueFrom?.secretKeyRef?.name;
          const cm = e.valueFrom?.configMapKeyRef?.name;
          if (s && !secrets.has(s)) err(where, `container ${c.name}: env ${e.name} uses unknown Secret ${s}`);
          if (cm && !configMaps.has(cm)) err(where, `container ${c.name}: env ${e.name} uses unknown ConfigMap ${cm}`);
        }
        for (const ef of c.envFrom || []) {
          if (ef.secretRef?.name && !secrets.has(ef.secretRef.name)) err(where, `container ${c.name}: envFrom unknown Secret ${ef.secretRef.name}`);
          if (ef.configMapRef?.name && !configMaps.has(ef.configMapRef.name)) err(where, `container ${c.name}: envFrom unknown ConfigMap ${ef.configMapRef.name}`);
        }
        if (!c.resources?.limits?.memory) err(where, `container ${c.name}: no memory limit`);
        if (!c.readinessProbe) err(where, `container ${c.name}: no readinessProbe`);
        if (/:latest$|^[^:]+$/.test(c.image || '')) err(where, `container ${c.name}: image ${c.image} is not pinned to a version`);
      }
      for (const v of pod.volumes || []) {
        if (v.configMap && !configMaps.has(v.configMap.name)) err(where, `volume ${v.name}: unknown ConfigMap ${v.configMap.name}`);
        if (v.secret && !secrets.has(v.secret.secretName)) err(where, `volume ${v.name}: unknown Secret ${v.secret.secretName}`);
      }
    }
    if (d.kind === 'Service' && d.spec?.selector) {
      const target = workloads.find((w) => matches(d.spec.selector, w.spec?.template?.metadata?.labels));
      if (!target) err(where, `selector ${JSON.stringify(d.spec.selector)} matches no workload`);
      for (const p of d.spec.ports || []) {
        if (target && typeof p.targetPort === 'string') {
          const named = (target.spec.template.spec.containers || []).some((c) => (c.ports || []).some((cp) => cp.name === p.targetPort));
          if (!named) err(where, `targetPort ${p.targetPort} is not a container port of ${target.kind}/${target.metadata.name}`);
        }
      }
    }
    if (d.kind === 'ServiceMonitor') checkServiceMonitor(d, allDocs, where);
  }
}

// A ServiceMonitor scrapes what its Service's prometheus.io/* annotations announce: it must select a Service,
// name one of its ports, and use the annotated path. The model package does not reject unknown fields, so the
// keys of spec and of each endpoint are checked against the fields this product uses.
const serviceMonitorSpecKeys = new Set(['selector', 'endpoints', 'namespaceSelector', 'jobLabel', 'targetLabels', 'podTargetLabels', 'sampleLimit']);
const serviceMonitorEndpointKeys = new Set(['port', 'path', 'interval', 'scrapeTimeout', 'scheme', 'honorLabels', 'relabelings', 'metricRelabelings']);

function checkServiceMonitor(d, allDocs, where) {
  for (const k of Object.keys(d.spec || {})) if (!serviceMonitorSpecKeys.has(k)) err(where, `spec.${k}: unknown or unsupported field`);
  const services = allDocs.filter((s) => s.kind === 'Service' && matches(d.spec?.selector?.matchLabels, s.metadata?.labels));
  if (!d.spec?.selector?.matchLabels || services.length !== 1) {
    err(where, `spec.selector must match exactly one Service's labels (matches ${services.length})`);
    return;
  }
  const svc = services[0];
  for (const [i, ep] of (d.spec.endpoints || []).entries()) {
    for (const k of Object.keys(ep)) if (!serviceMonitorEndpointKeys.has(k)) err(where, `spec.endpoints[${i}].${k}: unknown or unsupported field`);
    if (!(svc.spec?.ports || []).some((p) => p.name === ep.port)) err(where, `spec.endpoints[${i}].port ${ep.port} is not a named port of Service/${svc.metadata.name}`);
    const annotated = svc.metadata?.annotations?.['prometheus.io/path'];
    if (annotated && ep.path !== annotated) err(where, `spec.endpoints[${i}].path ${ep.path} differs from Service/${svc.metadata.name}'s prometheus.io/path ${annotated}`);
  }
  if (!(d.spec.endpoints || []).length) err(where, 'spec.endpoints is empty');
}

// ---------------------------------------------------------------- gateway config
function checkGatewayConfig(doc) {
  const where = `${doc.__file} ConfigMap/${doc.metadata.name}`;
  const text = doc.data?.['config.yaml'];
  if (!text) return err(where, 'data["config.yaml"] missing');
  let cfg;
  try {
    cfg = parseYaml(text);
  } catch (e) {
    return err(where, `config.yaml is not YAML: ${e.message}`);
  }
  if (!Array.isArray(cfg?.model_list) || cfg.model_list.length === 0) return err(where, 'config.yaml has no model_list');
  for (const [i, m] of cfg.model_list.entries()) {
    if (!m.model_name || !m.litellm_params?.model) err(where, `model_list[${i}] needs model_name and litellm_params.model`);
    const key = m.litellm_params?.api_key;
    if (key && !String(key).startsWith('os.environ/')) err(where, `model_list[${i}].litellm_params.api_key must be os.environ/NAME`);
  }
  if (!String(cfg.general_settings?.master_key || '').startsWith('os.environ/')) err(where, 'general_settings.master_key must be os.environ/NAME');
  const composeFile = join(repoRoot, 'infra/gateway/config.yaml');
  if (existsSync(composeFile)) {
    const compose = parseYaml(readFileSync(composeFile, 'utf8'));
    if (JSON.stringify(compose.model_list) !== JSON.stringify(cfg.model_list)) err(where, 'model_list differs from infra/gateway/config.yaml');
  }
}

// ---------------------------------------------------------------- kustomization
function checkKustomization(dir, files) {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) return;
  const k = parseYaml(readFileSync(file, 'utf8'));
  const allowed = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'commonLabels', 'commonAnnotations', 'resources', 'images', 'patches', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'replicas']);
  for (const key of Object.keys(k)) if (!allowed.has(key)) err(file, `unknown field ${key}`);
  if (k.kind !== 'Kustomization') err(file, 'kind must be Kustomization');
  const listed = new Set(k.resources || []);
  for (const r of listed) if (!existsSync(join(dir, r))) err(file, `resource ${r} does not exist`);
  for (const f of files) {
    const name = basename(f);
    if (name !== 'secrets.example.yml' && !listed.has(name)) err(file, `${name} is not listed in resources`);
  }
  if (listed.has('secrets.example.yml')) err(file, 'must not deploy secrets.example.yml (placeholder credentials)');
}

// ---------------------------------------------------------------- main
const docs = [];
const dirs = new Set();
for (const target of targets) {
  if (statSync(target).isDirectory()) dirs.add(target);
  for (const file of manifestFiles(target)) {
    const text = readFileSync(file, 'utf8');
    for (const d of parseAllDocuments(text)) {
      if (d.errors.length) {
        err(file, `YAML error: ${d.errors[0].message}`);
        continue;
      }
      const obj = d.toJS();
      if (obj === null || obj === undefined) continue;
      Object.defineProperty(obj, '__file', { value: file.replace(repoRoot + '/', ''), enumerable: false });
      docs.push(obj);
    }
  }
}

let validated = 0;
for (const d of docs) {
  const where = `${d.__file} ${d.kind}/${d.metadata?.name}`;
  if (!d.apiVersion || !d.kind || !d.metadata?.name) {
    err(where, 'apiVersion, kind and metadata.name are required');
    continue;
  }
  const Model = await schemaModel(d.apiVersion, d.kind);
  if (!Model) {
    err(where, `unknown apiVersion/kind ${d.apiVersion} ${d.kind}`);
    continue;
  }
  try {
    new Model(d).validate();
  } catch (e) {
    err(where, `schema: ${e.message.split('\n').slice(0, 5).join('; ')}`);
  }
  if (!crdPackages[d.apiVersion.split('/')[0]]) await walk(d, clientTypeName(d.apiVersion, d.kind), d.kind, where);
  if (d.kind === 'ConfigMap' && d.metadata.name === 'model-gateway-config') checkGatewayConfig(d);
  validated++;
}
checkReferences(docs, docs);
for (const dir of dirs) checkKustomization(dir, manifestFiles(dir));

if (expectInvalid) {
  // A fixture names the error it must produce on its first line: "# expect: <text>".
  const wanted = targets.map((t) => /^# expect: (.*)$/m.exec(readFileSync(t, 'utf8'))?.[1]).filter(Boolean);
  const missing = wanted.filter((w) => !errors.some((e) => e.includes(w)));
  if (errors.length === 0 || missing.length) {
    console.error(`expected errors [${wanted.join(' | ')}] in ${targets.join(' ')}, got: ${errors.join(' | ') || 'none'}`);
    process.exit(1);
  }
  console.log(`rejected as expected: ${errors[0]}`);
  process.exit(0);
}
for (const e of errors) console.error(`error: ${e}`);
console.log(`k8s: ${validated} document(s) checked, ${errors.length} error(s)`);
process.exit(errors.length ? 1 : 0);
