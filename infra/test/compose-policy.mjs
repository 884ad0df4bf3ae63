// Policy of the compose stack, beyond what `docker-compose config` checks:
//  - third-party images pinned to an explicit version (never latest); ours are built;
//  - every service has a healthcheck, a restart policy, CPU and memory limits and log rotation;
//  - published ports bind to ${AI_INFRA_BIND_ADDRESS...}, never implicitly to every interface;
//  - every group joins the external network ai-infra-net;
//  - named volumes keep a fixed name (as the original setup), and they are exactly the volumes
//    that ai-infra-manage.sh/.ps1 back up for that group;
//  - secrets (PASSWORD/SECRET/KEY/TOKEN variables) come from the environment, never inline.
// Usage: node compose-policy.mjs infra/<group>/docker-compose.yml...
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';

const files = process.argv.slice(2);
const infraDir = files.length ? dirname(dirname(files[0])) : '.';
const manage = readFileSync(join(infraDir, 'ai-infra-manage.sh'), 'utf8');
const problems = [];

const SECRET_NAME = /(PASSWORD|SECRET|_KEY$|^KEY$|TOKEN|API_KEY|REDISCLI_AUTH)/;

for (const file of files) {
  const group = basename(dirname(file));
  const doc = parse(readFileSync(file, 'utf8'), { merge: true });
  const at = (svc, msg) => problems.push(`${group}/${svc}: ${msg}`);

  for (const [name, svc] of Object.entries(doc.services || {})) {
    if (svc.build) {
      if (!/^mpc\//.test(svc.image || '')) at(name, `built image must be named mpc/<service>, got ${svc.image}`);
      const dockerfile = join(dirname(file), svc.build.context || '.', svc.build.dockerfile || 'Dockerfile');
      if (!existsSync(dockerfile)) at(name, `build.dockerfile ${dockerfile} does not exist`);
    } else {
      const image = svc.image || '';
      const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
      if (!tag || tag === 'latest' || !/\d+\.\d+/.test(tag)) at(name, `image ${image} is not pinned to an explicit version`);
    }
    const test = svc.healthcheck?.test;
    if (!test || svc.healthcheck.disable || (Array.isArray(test) && test[0] === 'NONE')) at(name, 'no healthcheck');
    if (!['unless-stopped', 'always', 'on-failure'].includes(svc.restart)) at(name, `restart policy missing (${svc.restart})`);
    const limits = svc.deploy?.resources?.limits;
    if (!limits?.memory || !limits?.cpus) at(name, 'deploy.resources.limits needs cpus and memory');
    if (!svc.logging?.options?.['max-size']) at(name, 'logging needs max-size (log rotation)');
    for (const p of svc.ports || []) {
      if (!String(p).startsWith('${AI_INFRA_BIND_ADDRESS:-127.0.0.1}:')) at(name, `port ${p} must bind to \${AI_INFRA_BIND_ADDRESS:-127.0.0.1}`);
    }
    const env = Array.isArray(svc.environment)
      ? Object.fromEntries(svc.environment.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
      : svc.environment || {};
    for (const [k, v] of Object.entries(env)) {
      if (SECRET_NAME.test(k) && v !== '' && v !== null && !String(v).includes('${')) at(name, `secret ${k} is inline; use \${${k}} from infra/.env`);
    }
  }

  const net = doc.networks?.['ai-infra-net'];
  if (!net?.external || net.name !== 'ai-infra-net') problems.push(`${group}: must declare the external network ai-infra-net`);
  const joined = Object.values(doc.services || {}).some((s) => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks || {})).includes('ai-infra-net'));
  if (!joined) problems.push(`${group}: no service joins ai-infra-net`);

  const volumes = Object.entries(doc.volumes || {});
  for (const [key, v] of volumes) if (v?.name !== key) problems.push(`${group}: volume ${key} needs "name: ${key}" (fixed name, as backups use it)`);
  const declared = volumes.map(([k]) => k).sort();
  const backedUp = (new RegExp(`^\\s+${group}\\) echo "([^"]+)"`, 'm').exec(manage)?.[1] || '').split(' ').filter(Boolean).sort();
  if (JSON.stringify(declared) !== JSON.stringify(backedUp)) {
    problems.push(`${group}: volumes ${declared} differ from those ai-infra-manage.sh backs up (${backedUp})`);
  }
  console.log(`${group}: ${Object.keys(doc.services || {}).length} services, ${declared.length} volumes`);
}

for (const p of problems) console.error(`policy: ${p}`);
process.exit(problems.length ? 1 : 0);
