import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkModuleDocs, moduleDocs, BEGIN, END } from '../module-docs.mjs';

const VARIABLES = `variable "name" {
  type        = string
  description = "Name of the thing."
}

variable "size" {
  type        = number
  description = "How big | how many."
  default     = 3
}

variable "shape" {
  type = object({
    width  = number
    height = optional(number, 1)
    colour = optional(string, "blue")
  })
  description = "Its shape."
  default     = null
}
`;
const OUTPUTS = 'output "arn" {\n  description = "ARN of the thing."\n  value       = "x"\n}\n';

async function tree(readme) {
  const root = await mkdtemp(path.join(tmpdir(), 'module-docs-'));
  const dir = path.join(root, 'modules', 'thing');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'variables.tf'), VARIABLES);
  await writeFile(path.join(dir, 'outputs.tf'), OUTPUTS);
  await writeFile(path.join(dir, 'README.md'), readme);
  return { root, readme: path.join(dir, 'README.md') };
}

test('the tables list every input in declaration order, required ones as such, and every output', async () => {
  const { root } = await tree('# thing\n');
  const docs = await moduleDocs(path.join(root, 'modules', 'thing'));
  const rows = docs.split('\n').filter((line) => line.startsWith('| `'));
  assert.deepEqual(rows, [
    '| `name` | `string` | required | Name of the thing. |',
    '| `size` | `number` | `3` | How big \\| how many. |',
    '| `shape` | `object({…})` | `null` | Its shape. |',
    '| `arn` | ARN of the thing. |',
  ]);
  assert.ok(docs.startsWith(BEGIN) && docs.endsWith(END));
});

test('a hand-written table is reported stale, and --fix puts the generated one in its place, prose kept', async () => {
  const { root, readme } = await tree('# thing\n\nIntro.\n\n## Inputs\n\n| name |\n|---|\n| `name` |\n\n## Outputs\n\nNever null.\n\n`arn`.\n\n## Tests\n\nSome.\n');
  const findings = await checkModuleDocs(root);
  assert.deepEqual(findings.map((f) => [f.file, f.rule]), [[path.join('modules', 'thing', 'README.md'), 'module-docs']]);
  assert.deepEqual(await checkModuleDocs(root, { fix: true }), []);
  const text = await readFile(readme, 'utf8');
  assert.match(text, /^# thing\n\nIntro\.\n\nNever null\.\n\n<!-- BEGIN_TF_DOCS -->\n## Inputs\n/);
  assert.match(text, /<!-- END_TF_DOCS -->\n\n## Tests\n\nSome\.\n$/);
  assert.ok(!text.includes('| `name` |\n'));
  assert.deepEqual(await checkModuleDocs(root), [], 'fixed once, it stays fixed');
});

test('a variable added to variables.tf makes the README stale', async () => {
  const { root } = await tree('# thing\n');
  await checkModuleDocs(root, { fix: true });
  await writeFile(path.join(root, 'modules', 'thing', 'variables.tf'), `${VARIABLES}\nvariable "extra" {\n  type = bool\n}\n`);
  assert.equal((await checkModuleDocs(root)).length, 1);
});
