import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkTree } from '../check.mjs';

async function tree(files) {
  const root = await mkdtemp(path.join(tmpdir(), 'infra-check-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

test('a well-formed, formatted tree has no finding', async () => {
  const root = await tree({
    'modules/q/main.tf': 'resource "aws_sqs_queue" "this" {\n  name = var.name\n}\n',
    'live/dev/queue/terragrunt.hcl': 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n',
  });
  const { files, findings } = await checkTree(root);
  assert.equal(files.length, 2);
  assert.deepEqual(findings, []);
});

test('a syntax error is reported with its file, line and hcl-parse', async () => {
  const root = await tree({ 'modules/q/main.tf': 'resource "aws_sqs_queue" "this" {\n  name =\n}\n' });
  const { findings } = await checkTree(root);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].rule, 'hcl-parse');
  assert.equal(findings[0].file, path.join('modules', 'q', 'main.tf'));
  assert.equal(findings[0].line, 2);
});

test('an unformatted file is reported as hcl-fmt at its first differing line, and --fix formats it', async () => {
  const text = 'resource "aws_sqs_queue" "this" {\n  name = "a"\n  visibility_timeout_seconds = 60\n}\n';
  const root = await tree({ 'modules/q/main.tf': text });
  const { findings } = await checkTree(root);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].rule, 'hcl-fmt');
  assert.equal(findings[0].line, 2);
  await checkTree(root, { fix: true });
  assert.deepEqual((await checkTree(root)).findings, []);
  assert.match(await readFile(path.join(root, 'modules/q/main.tf'), 'utf8'), /name {2,}= "a"/);
});
