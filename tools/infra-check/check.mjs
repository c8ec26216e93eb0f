// Offline infrastructure checks: every Terraform (.tf) and Terragrunt (.hcl) file of the
// repository parses with HashiCorp's HCL parser and is formatted exactly as hclwrite
// (terraform fmt) formats it, and each module README's Inputs/Outputs tables are what its
// variables.tf and outputs.tf declare (module-docs.mjs). Prints one line per finding, `file:line rule-id message`,
// and exits non-zero on any finding. `--fix` rewrites unformatted files and stale tables.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { format } from '@cdktf/hcl-tools';
import { checkContract, checkProviderRange } from './contract.mjs';
import { checkModuleDocs } from './module-docs.mjs';
import { checkSecurity } from './security.mjs';
import { checkWiring } from './wiring.mjs';

const SKIP = new Set(['.git', '.terraform', '.terragrunt-cache', 'node_modules', 'target', 'fixtures']);

/** Lists the .tf and .hcl files under a directory, sorted. */
export async function findFiles(root) {
  const found = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.(tf|hcl)$/.test(entry.name)) found.push(full);
    }
  }
  await walk(root);
  return found.sort();
}

/** Checks one file; returns its findings. */
export async function checkFile(file, root, { fix = false } = {}) {
  const name = path.relative(root, file) || file;
  const text = await readFile(file, 'utf8');
  try {
    await parse(name, text);
  } catch (error) {
    const message = String(error.message ?? error).replace(/^parse config: \[|\]$/g, '');
    const line = /:(\d+),\d+/.exec(message)?.[1] ?? '1';
    return [{ file: name, line: Number(line), rule: 'hcl-parse', message }];
  }
  const formatted = await format(text);
  if (formatted === text) return [];
  if (fix) {
    await writeFile(file, formatted);
    return [];
  }
  const a = text.split('\n');
  const b = formatted.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  return [{ file: name, line: line + 1, rule: 'hcl-fmt', message: 'not formatted as terraform fmt formats it (run: npm --prefix tools/infra-check run fix)' }];
}

/** Checks every file under root. */
export async function checkTree(root, options = {}) {
  const files = await findFiles(root);
  const findings = [];
  for (const file of files) findings.push(...(await checkFile(file, root, options)));
  return { files, findings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const fix = args.includes('--fix');
  const root = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? '.');
  const { files, findings } = await checkTree(root, { fix });
  if (findings.length === 0) {
    findings.push(...(await checkWiring(root)));
    findings.push(...(await checkSecurity(root)));
    findings.push(...(await checkContract(root)));
    findings.push(...(await checkProviderRange(root)));
    findings.push(...(await checkModuleDocs(root, { fix })));
    const workflows = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workflows.mjs');
    findings.push(...JSON.parse(execFileSync(process.execPath, [workflows, root], { encoding: 'utf8' })));
  }
  for (const f of findings) console.log(`${f.file}:${f.line} ${f.rule} ${f.message}`);
  console.log(`infra-check: ${files.length} files checked, ${findings.length} finding(s)`);
  process.exitCode = findings.length === 0 ? 0 : 1;
}
