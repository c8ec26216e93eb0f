import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSchema } from '../schema.mjs';

const GOOD = `resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = "b"

  rule {
    id     = "r"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    dynamic "expiration" {
      for_each = [1]
      content {
        days = expiration.value
      }
    }
  }
}

data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
`;

async function check(text) {
  const root = await mkdtemp(path.join(tmpdir(), 'schema-'));
  await mkdir(path.join(root, 'modules/m'), { recursive: true });
  await writeFile(path.join(root, 'modules/m/main.tf'), text);
  return checkSchema(root);
}

test('names from the provider schema pass, and so does the repository', async () => {
  assert.deepEqual(await check(GOOD), []);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  assert.deepEqual(await checkSchema(repo), []);
});

for (const [what, from, to] of [
  ['an unknown resource type', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_lifecycle_config'],
  ['an unknown top-level attribute', 'bucket = "b"', 'buckett = "b"'],
  ['an unknown nested attribute', 'noncurrent_days = 30', 'noncurrent_day = 30'],
  ['an unknown attribute in a dynamic block', 'days = expiration.value', 'dayz = expiration.value'],
  ['an unknown dynamic block', 'dynamic "expiration"', 'dynamic "expire"'],
  ['an unknown data source attribute', 'actions   = ["s3:GetObject"]', 'action    = ["s3:GetObject"]'],
]) {
  test(`schema-aws fires for ${what}`, async () => {
    const findings = await check(GOOD.replace(from, to));
    assert.ok(findings.length > 0 && findings.every((f) => f.rule === 'schema-aws'), JSON.stringify(findings));
  });
}
