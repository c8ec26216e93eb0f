import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReferences } from '../references.mjs';

const GOOD = `variable "name" {
  type = string
}

locals {
  full = "\${var.name}-x"
}

data "aws_region" "current" {}

resource "aws_sqs_queue" "this" {
  name = "\${local.full}-\${data.aws_region.current.region}"
}

output "arn" {
  value = aws_sqs_queue.this.arn
}
`;

async function check(text) {
  const root = await mkdtemp(path.join(tmpdir(), 'references-'));
  await mkdir(path.join(root, 'modules/m'), { recursive: true });
  await writeFile(path.join(root, 'modules/m/main.tf'), text);
  return checkReferences(root);
}

test('declared references pass, and so does the repository', async () => {
  assert.deepEqual(await check(GOOD), []);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  assert.deepEqual(await checkReferences(repo), []);
});

for (const [what, from, to] of [
  ['a variable', '"${var.name}-x"', '"${var.nmae}-x"'],
  ['a local', '"${local.full}-', '"${local.ful}-'],
  ['a data source', 'data.aws_region.current.region', 'data.aws_region.here.region'],
  ['a resource', 'aws_sqs_queue.this.arn', 'aws_sqs_queue.that.arn'],
]) {
  test(`ref-undeclared fires for ${what}`, async () => {
    const findings = await check(GOOD.replace(from, to));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].rule, 'ref-undeclared');
  });
}
