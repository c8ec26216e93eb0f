// The inputs that are yours to set before the first deploy (README, Deploy). The env.hcl
// files ship each one as a placeholder that the plan refuses, with a message naming the
// input, before anything is created (CONTRACT 7). Here each has a value of the right shape,
// as an operator sets it, so that the checks can plan an environment both ways: as shipped
// (refused, for exactly these inputs) and as deployed (planned).
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const PLACEHOLDERS = [
  { file: 'live/global/env.hcl', input: 'github_repository', value: '"ingest-maintainers/ingest-pipeline"' },
  { file: 'live/prod/env.hcl', input: 'certificate_arn', value: '"arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"' },
  { file: 'live/prod/env.hcl', input: 'domain_name', value: '"api.ingest-pipeline.dev"' },
  { file: 'live/prod/env.hcl', input: 'alarm_emails', value: '["oncall@ops.ingest-pipeline.dev"]' },
];

/** The placeholder inputs of one environment's own env.hcl. */
export function placeholdersOf(envName) {
  return PLACEHOLDERS.filter((placeholder) => placeholder.file === `live/${envName}/env.hcl`);
}

/** An env.hcl's text with the given inputs set: the value of each `input = ...` line. */
export function setInputs(text, file, placeholders) {
  let out = text;
  for (const { input, value } of placeholders) {
    const line = new RegExp(`^(\\s*${input}\\s*=\\s*).*$`, 'gm');
    const count = [...out.matchAll(line)].length;
    if (count !== 1) throw new Error(`${file}: expected one line setting ${input}, found ${count}`);
    out = out.replace(line, (_, head) => `${head}${value}`);
  }
  return out;
}

/**
 * A copy of root.hcl and live/ under dir with the placeholders set (by default all of them:
 * the stack an operator deploys), beside a link to the modules at moduleRoot. Returns dir.
 */
export async function settledCopy(root, dir, moduleRoot, placeholders = PLACEHOLDERS) {
  await mkdir(dir, { recursive: true });
  await cp(path.join(root, 'root.hcl'), path.join(dir, 'root.hcl'));
  await cp(path.join(root, 'live'), path.join(dir, 'live'), { recursive: true, filter: (file) => !/(^|\/)\.terragrunt-cache$|(^|\/)\.terraform$/.test(file) });
  await symlink(moduleRoot, path.join(dir, 'modules'), 'dir');
  for (const file of [...new Set(placeholders.map((placeholder) => placeholder.file))]) {
    const target = path.join(dir, file);
    await writeFile(target, setInputs(await readFile(target, 'utf8'), file, placeholders.filter((placeholder) => placeholder.file === file)));
  }
  return dir;
}
