import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWiring } from '../wiring.mjs';

const SOURCE = (module) => `terraform {\n  source = "\${dirname(find_in_parent_folders("root.hcl"))}/modules//${module}"\n}\n`;
const UNIT = (name) => `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\ninclude "unit" {\n  path = "\${dirname(find_in_parent_folders("root.hcl"))}/live/_units/${name}.hcl"\n}\n`;

/** A small tree that passes: module m (a required, b optional, output o), units x and y (y uses x.o). */
function goodTree() {
  return {
    'root.hcl': 'locals {}\n',
    'modules/m/variables.tf': 'variable "a" {\n  type = string\n}\n\nvariable "b" {\n  type    = string\n  default = "b"\n}\n',
    'modules/m/outputs.tf': 'output "o" {\n  value = var.a\n}\n',
    'live/_units/x.hcl': `${SOURCE('m')}\ninputs = {\n  a = "x"\n}\n`,
    'live/_units/y.hcl': `${SOURCE('m')}\ndependency "x" {\n  config_path = "\${get_terragrunt_dir()}/../x"\n\n  mock_outputs = {\n    o = "mock"\n  }\n}\n\ninputs = {\n  a = dependency.x.outputs.o\n}\n`,
    'live/dev/x/terragrunt.hcl': UNIT('x'),
    'live/dev/y/terragrunt.hcl': UNIT('y'),
    'live/prod/x/terragrunt.hcl': UNIT('x'),
    'live/prod/y/terragrunt.hcl': UNIT('y'),
  };
}

async function check(files) {
  const root = await mkdtemp(path.join(tmpdir(), 'wiring-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return checkWiring(root);
}

function rules(findings) {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

test('the small tree passes', async () => {
  assert.deepEqual(await check(goodTree()), []);
});

test('the repository passes', async () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  assert.deepEqual(await checkWiring(root), []);
});

test('wiring-include-missing: an include that points at no file is a finding, not a crash', async () => {
  const tree = goodTree();
  tree['live/dev/x/terragrunt.hcl'] = tree['live/dev/x/terragrunt.hcl'].replace('_units/x.hcl', '_units/gone.hcl');
  assert.deepEqual(rules(await check(tree)), ['wiring-include-missing']);
});

test('wiring-mocked-read: a data source read by a value that a dependency provides', async () => {
  const tree = goodTree();
  tree['modules/m/main.tf'] = 'data "aws_vpc" "this" {\n  id = var.a\n}\n';
  assert.deepEqual(rules(await check(tree)), ['wiring-mocked-read']);
  tree['modules/m/main.tf'] = 'data "aws_iam_policy_document" "this" {\n  statement {\n    resources = [var.a]\n  }\n}\n';
  assert.deepEqual(rules(await check(tree)), []);
});

test('wiring-output-unmocked: a dependency output without a mock', async () => {
  const tree = goodTree();
  tree['live/_units/y.hcl'] = tree['live/_units/y.hcl'].replace('o = "mock"', 'z = "mock"');
  assert.deepEqual(rules(await check(tree)), ['wiring-output-unmocked']);
});

test('wiring-dependency-missing: a dependency that points at no unit', async () => {
  const tree = goodTree();
  tree['live/_units/y.hcl'] = tree['live/_units/y.hcl'].replace('/../x"', '/../nowhere"');
  assert.deepEqual(rules(await check(tree)), ['wiring-dependency-missing']);
});

test('wiring-source-missing: a module source that does not exist', async () => {
  const tree = goodTree();
  tree['live/_units/x.hcl'] = tree['live/_units/x.hcl'].replace('modules//m', 'modules//gone');
  assert.ok(rules(await check(tree)).includes('wiring-source-missing'));
});

test('wiring-env-units: environments with different units', async () => {
  const tree = goodTree();
  delete tree['live/prod/y/terragrunt.hcl'];
  assert.deepEqual(rules(await check(tree)), ['wiring-env-units']);
});
