// PowerShell checks without pwsh: parses each script with the tree-sitter PowerShell grammar and
// reports syntax errors with their line numbers; for ai-infra-manage.ps1 it also checks that the
// -Action and -Service sets and the handled actions are the same as ai-infra-manage.sh's.
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

function parityErrors(ps1, file) {
  const sh = readFileSync(join(dirname(file), basename(file, '.ps1') + '.sh'), 'utf8');
  const shActions = /^ACTIONS="([^"]+)"/m.exec(sh)[1].split(' ').sort();
  const shGroups = /^GROUPS_ORDER=\(([^)]+)\)/m.exec(sh)[1].split(' ').sort();
  const problems = [];
  const psActions = setOf(ps1, 'Action');
  const psServices = setOf(ps1, 'Service');
  if (JSON.stringify(psActions) !== JSON.stringify(shActions)) problems.push(`-Action set ${psActions} differs from the bash actions ${shActions}`);
  if (JSON.stringify(psServices) !== JSON.stringify(['all', ...shGroups].sort())) problems.push(`-Service set ${psServices} differs from all + ${shGroups}`);
  for (const action of shActions) {
    if (!new RegExp(`'${action}'\\s*\\{\\s*Invoke-`).test(ps1)) problems.push(`action ${action} is not dispatched`);
  }
  for (const group of shGroups) {
    for (const vol of (new RegExp(`^\\s+${group}\\) echo "([^"]+)"`, 'm').exec(sh)?.[1] || '').split(' ').filter(Boolean)) {
      if (!ps1.includes(`'${vol}'`)) problems.push(`volume ${vol} of ${group} is not backed up by the .ps1`);
    }
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
