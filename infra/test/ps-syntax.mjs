// PowerShell checks without pwsh: parses each script with the tree-sitter PowerShell grammar and
// reports syntax errors with their line numbers; for ai-infra-manage.ps1 it also checks that the
// -Action and -Service sets and the handled actions are the same as ai-infra-manage.sh's, and that every action
// issues the same docker/compose command lines, in the same order, as the bash script (which test-manage.sh runs
// against a fake docker), so the Windows script cannot drift from the tested one.
// Usage: node ps-syntax.mjs [--expect-invalid] FILE.ps1...
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

const args = process.argv.slice(2);
const expectInvalid = args.includes('--expect-invalid');
const files = args.filter((a) => a !== '--expect-invalid');
const parser = new Parser();
parser.setLanguage(PowerShell);

function syntaxErrors(source) {
  const found = [];
  const visit = (node) => {
    if (node.type === 'ERROR' || node.isMissing) {
      const what = node.isMissing ? `missing ${node.type}` : `unexpected '${source.slice(node.startIndex, node.startIndex + 40).split('\n')[0]}'`;
      found.push(`line ${node.startPosition.row + 1}, column ${node.startPosition.column + 1}: ${what}`);
      return; // one report per broken region
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(parser.parse(source).rootNode);
  return found;
}

const setOf = (text, param) => {
  const m = new RegExp(`ValidateSet\\(([^)]*)\\)\\]\\s*\\[string\\]\\$${param}\\b`).exec(text);
  return m ? m[1].split(',').map((s) => s.trim().replace(/^'|'$/g, '')).sort() : null;
};

// The docker/compose command lines each action issues, in order, as words: literal words only (a word holding a
// variable stands for a value that differs per call, e.g. a volume name), e.g. "compose up -d", "docker run --rm -v
// -v tar czf -C /volume .". Read from the action's function body in each script.
const DOCKER_SUBCOMMANDS = new Set(['run', 'volume']);

function shWords(line) {
  const words = [];
  for (const m of line.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'|[^\s]+/g)) {
    let w = m[0];
    if (/^(;|then|\|\||&&|\||2?>.*|<.*)$/.test(w)) break;
    const end = w.endsWith(';');
    if (end) w = w.slice(0, -1);
    if (w && !w.includes('$')) words.push(w.replace(/^["']|["']$/g, ''));
    if (end) break;
  }
  return words;
}

function shCommands(sh, action) {
  const body = new RegExp(`^action_${action}\\(\\) \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(sh)?.[1] ?? '';
  const commands = [];
  for (const line of body.replace(/\\\n\s*/g, ' ').split('\n')) {
    const compose = /(?:^|[\s!(])compose "\$group" (.*)$/.exec(line);
    if (compose) {
      commands.push(['compose', ...shWords(compose[1])].join(' '));
      continue;
    }
    const docker = /(?:^|[\s!(])docker (\w+) (.*)$/.exec(line);
    if (docker && DOCKER_SUBCOMMANDS.has(docker[1])) commands.push(['docker', docker[1], ...shWords(docker[2])].join(' '));
  }
  return commands;
}

function psWords(list) {
  return [...list.matchAll(/'[^']*'|"(?:[^"`]|`.)*"|\$[\w:{}]+|[^\s,()@]+/g)]
    .map((m) => m[0])
    .filter((w) => !w.includes('$'))
    .map((w) => w.replace(/^["']|["']$/g, ''));
}

function psCommands(ps1, action) {
  const name = action.charAt(0).toUpperCase() + action.slice(1);
  const body = new RegExp(`^function Invoke-${name} \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(ps1)?.[1] ?? '';
  const commands = [];
  // one logical line per command: join an @( ... ) list that continues on the next lines
  const text = body.replace(/,\s*\n\s*/g, ', ');
  for (const line of text.split('\n')) {
    const compose = /Invoke-Compose \$group (?:@\((.*?)\)|(\$\w+))/.exec(line);
    if (compose) {
      commands.push(['compose', ...(compose[1] !== undefined ? psWords(compose[1]) : [])].join(' '));
      continue;
    }
    const native = /(?:Invoke|Test)-Native 'docker' @\((.*)\)/.exec(line);
    if (native) {
      const words = psWords(native[1]);
      if (DOCKER_SUBCOMMANDS.has(words[0])) commands.push(['docker', ...words].join(' '));
      continue;
    }
    const direct = /& docker (\w+) (.*)$/.exec(line);
    if (direct && DOCKER_SUBCOMMANDS.has(direct[1])) {
      commands.push(['docker', direct[1], ...psWords(direct[2].replace(/\s+(\||2?>).*$/, ''))].join(' '));
    }
  }
  return commands;
}

function commandParityErrors(sh, ps1, actions) {
  const problems = [];
  for (const action of actions) {
    const a = shCommands(sh, action);
    const b = psCommands(ps1, action);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`action ${action}: the .sh issues [${a.join('; ')}] but the .ps1 issues [${b.join('; ')}]`);
    }
  }
  return problems;
}

function parityErrors(ps1, file) {
  const sh = readFileSync(join(dirname(file), basename(file, '.ps1') + '.sh'), 'utf8');
  const shActions = /^ACTIONS="([^"]+)"/m.exec(sh)[1].split(' ').sort();
  const shGroups = /^GROUPS_ORDER=\(([^)]+)\)/m.exec(sh)[1].split(' ').sort();
  const shQuickstart = /^QUICKSTART_SERVICE="([^"]+)"/m.exec(sh)?.[1];
  const problems = [];
  const psActions = setOf(ps1, 'Action');
  const psServices = setOf(ps1, 'Service');
  if (JSON.stringify(psActions) !== JSON.stringify(shActions)) problems.push(`-Action set ${psActions} differs from the bash actions ${shActions}`);
  const shServices = ['all', ...shGroups, ...(shQuickstart ? [shQuickstart] : [])].sort();
  if (JSON.stringify(psServices) !== JSON.stringify(shServices)) problems.push(`-Service set ${psServices} differs from the bash services ${shServices}`);
  if (shQuickstart && !new RegExp(`\\$QuickstartService = '${shQuickstart}'`).test(ps1)) problems.push(`the .ps1 does not name the quick-start service ${shQuickstart}`);
  for (const action of shActions) {
    if (!new RegExp(`'${action}'\\s*\\{\\s*Invoke-`).test(ps1)) problems.push(`action ${action} is not dispatched`);
  }
  for (const group of shGroups) {
    for (const vol of (new RegExp(`^\\s+${group}\\) echo "([^"]+)"`, 'm').exec(sh)?.[1] || '').split(' ').filter(Boolean)) {
      if (!ps1.includes(`'${vol}'`)) problems.push(`volume ${vol} of ${group} is not backed up by the .ps1`);
    }
  }
  problems.push(...commandParityErrors(sh, ps1.replace(/\r\n/g, '\n'), shActions));
  if (process.env.PS_PARITY_VERBOSE) {
    for (const action of shActions) console.log(`${action}: ${shCommands(sh, action).join('; ') || '(no docker/compose command)'}`);
  }
  return problems;
}

let failed = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const problems = syntaxErrors(source);
  if (!expectInvalid && basename(file) === 'ai-infra-manage.ps1') problems.push(...parityErrors(source, file));
  if (expectInvalid) {
    if (problems.length === 0) {
      console.error(`${file}: expected a syntax error, parsed cleanly`);
      failed++;
    } else {
      console.log(`${file}: rejected as expected (${problems[0]})`);
    }
  } else if (problems.length) {
    for (const p of problems) console.error(`${file}: ${p}`);
    failed++;
  } else {
    console.log(`${file}: ok`);
  }
}
process.exit(failed ? 1 : 0);
