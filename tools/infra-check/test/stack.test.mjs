import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleStack, StackError } from '../stack.mjs';
import { main as terraformChecks } from '../terraform.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const UNITS = '${dirname(find_in_parent_folders("root.hcl"))}/live/_units';

/** A small stack: module m (input a, output o), units x and y (y reads x.o), a global unit g. */
function tree() {
  return {
    'root.hcl': [
      'locals {',
      '  project  = "demo"',
      '  env      = read_terragrunt_config("${get_original_terragrunt_dir()}/../env.hcl").locals',
      '  unit     = basename(get_original_terragrunt_dir())',
      '  prefix   = "${local.project}-${local.env.environment}"',
      '}',
      '',
      'generate "provider" {',
      '  path     = "provider.tf"',
      '  contents = <<-EOT',
      '    provider "aws" {',
      '      region = "${local.env.region}"',
      '      default_tags {',
      '        tags = { Unit = "${local.unit}" }',
      '      }',
      '    }',
      '  EOT',
      '}',
      '',
    ].join('\n'),
    'modules/m/main.tf': 'variable "a" {\n  type = string\n}\n\noutput "o" {\n  value = var.a\n}\n',
    'live/_units/x.hcl': [
      'locals {',
      '  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals',
      '}',
      '',
      'terraform {',
      '  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//m"',
      '}',
      '',
      'inputs = {',
      '  a = "${local.root.prefix}-x"',
      '}',
      '',
    ].join('\n'),
    'live/_units/y.hcl': [
      'locals {',
      '  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals',
      '}',
      '',
      'terraform {',
      '  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//m"',
      '}',
      '',
      'dependency "x" {',
      '  config_path = "${get_terragrunt_dir()}/../x"',
      '',
      '  mock_outputs = {',
      '    o = "mock-o"',
      '  }',
      '}',
      '',
      'dependency "g" {',
      '  config_path = "${dirname(find_in_parent_folders("root.hcl"))}/live/global/g"',
      '',
      '  mock_outputs = {',
      '    o = "mock-g"',
      '  }',
      '}',
      '',
      'inputs = {',
      '  a = "${dependency.x.outputs.o}/${dependency.g.outputs.o}/${get_env("TAG", "none")}"',
      '}',
      '',
    ].join('\n'),
    'live/dev/env.hcl': 'locals {\n  environment = "dev"\n  region      = "eu-west-1"\n}\n',
    'live/dev/x/terragrunt.hcl': `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\ninclude "unit" {\n  path = "${UNITS}/x.hcl"\n}\n`,
    'live/dev/y/terragrunt.hcl': `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\ninclude "unit" {\n  path = "${UNITS}/y.hcl"\n}\n`,
    'live/global/env.hcl': 'locals {\n  environment = "global"\n  region      = "us-east-1"\n}\n',
    'live/global/g/terragrunt.hcl': [
      'include "root" {',
      '  path   = find_in_parent_folders("root.hcl")',
      '  expose = true',
      '}',
      '',
      'terraform {',
      '  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//m"',
      '}',
      '',
      'inputs = {',
      '  a = include.root.locals.project',
      '}',
      '',
    ].join('\n'),
  };
}

async function write(files) {
  const root = await mkdtemp(path.join(tmpdir(), 'stack-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

async function assemble(files, env = 'dev', options = {}) {
  const root = await write(files);
  const stack = await assembleStack(root, env, { outDir: path.join(root, 'out', env), ...options });
  return { root, stack, main: JSON.parse(stack.files['main.tf.json']), tests: stack.files['tests/stack.tftest.hcl'] };
}

test('each unit becomes a module call with its inputs, in dependency order, with global dependencies', async () => {
  const { stack, main } = await assemble(tree());
  assert.deepEqual(stack.units.map((u) => u.module), ['x', 'global_g', 'y']);
  assert.equal(main.module.x.source, '../../modules/m');
  assert.match(main.module.x.a, /^\$\{local\.s\d+__units_x__root\.prefix\}-x$/);
  // An exposed include's locals, in that include's own scope.
  assert.match(main.module.global_g.a, /^\$\{local\.s\d+_[\w-]+_root___locals\.project\}$/);
});

test('dependencies are their mock_outputs, and every consumed output must exist and not be null', async () => {
  const { main, tests } = await assemble(tree());
  assert.deepEqual(main.locals.y__dependency_x, { o: 'mock-o' });
  assert.deepEqual(main.locals.y__dependency_g, { o: 'mock-g' });
  assert.match(main.module.y.a, /^\$\{local\.y__dependency_x\.o\}\/\$\{local\.y__dependency_g\.o\}\/none$/);
  assert.equal(main.output.y__uses__x__o.value, '${module.x.o}');
  assert.match(tests, /condition {5}= module\.x\.o != null/);
  assert.match(tests, /condition {5}= module\.global_g\.o != null/);
});

test('read_terragrunt_config evaluates in the read file; get_original_terragrunt_dir stays the unit', async () => {
  const { root, main } = await assemble(tree());
  const values = Object.entries(main.locals);
  const unitNames = values.filter(([key]) => key.endsWith('__unit')).map(([, value]) => value);
  assert.ok(unitNames.includes(`\${basename("${path.join(root, 'live/dev/x')}")}`), unitNames.join('\n'));
  assert.ok(values.some(([key, value]) => key.endsWith('___config') && JSON.stringify(value).includes('locals')));
});

test('the provider comes from root.hcl\'s generate block', async () => {
  const { main } = await assemble(tree());
  assert.equal(main.provider.aws.length, 1);
  assert.match(main.provider.aws[0].region, /^\$\{local\.s\d+_[\w-]+_root__env\.region\}$/);
  assert.deepEqual(Object.keys(main.provider.aws[0].default_tags[0].tags), ['Unit']);
});

test('get_env: the environment given, else the default, else an error naming the teardown', async () => {
  const files = tree();
  let { main } = await assemble(files, 'dev', { env: { TAG: 'abc' } });
  assert.match(main.module.y.a, /\/abc$/);
  files['live/_units/y.hcl'] = files['live/_units/y.hcl'].replace('get_env("TAG", "none")', 'get_env("TAG")');
  await assert.rejects(assemble(files), (error) => error instanceof StackError && /get_env\("TAG"\) has no default/.test(error.message) && /destroy/.test(error.message));
  ({ main } = await assemble(files, 'dev', { env: { TAG: 'abc' } }));
  assert.match(main.module.y.a, /\/abc$/);
});

test('an include or a dependency that points at nothing is an error with its file', async () => {
  const files = tree();
  files['live/dev/x/terragrunt.hcl'] = files['live/dev/x/terragrunt.hcl'].replace('x.hcl', 'gone.hcl');
  await assert.rejects(assemble(files), (error) => error instanceof StackError && error.file === 'live/dev/x/terragrunt.hcl' && /does not exist/.test(error.message));
  const other = tree();
  other['live/_units/y.hcl'] = other['live/_units/y.hcl'].replace('/../x"', '/../nowhere"');
  await assert.rejects(assemble(other), (error) => error instanceof StackError && /is no unit/.test(error.message));
});

test('a Terragrunt function that cannot be resolved statically is an error, not a guess', async () => {
  const files = tree();
  files['live/_units/x.hcl'] = files['live/_units/x.hcl'].replace('"${local.root.prefix}-x"', 'path_relative_to_include()');
  await assert.rejects(assemble(files), (error) => error instanceof StackError && /path_relative_to_include/.test(error.message));
});

test('checks across units in live/_checks are appended where their units exist', async () => {
  const files = tree();
  files['live/_checks/xy.tftest.hcl'] = 'run "xy" {\n  command = plan\n\n  assert {\n    condition     = output.y__inputs.a != output.x__inputs.a\n    error_message = "differ"\n  }\n}\n';
  const dev = await assemble(files);
  assert.match(dev.tests, /run "xy"/);
  const global = await assemble(files, 'global');
  assert.doesNotMatch(global.tests, /run "xy"/);
});

test('an environment\'s own checks (live/<env>/_checks) are appended to that environment only', async () => {
  const files = tree();
  files['live/dev/_checks/only.tftest.hcl'] = 'run "dev_only" {\n  command = plan\n\n  assert {\n    condition     = output.x__inputs.a != null\n    error_message = "set"\n  }\n}\n';
  const dev = await assemble(files);
  assert.match(dev.tests, /# From live\/dev\/_checks\/only.tftest.hcl\nrun "dev_only"/);
  const global = await assemble(files, 'global');
  assert.doesNotMatch(global.tests, /dev_only/);
});

test('the repository\'s environments assemble, for a deploy and for a teardown (no IMAGE_TAG)', async () => {
  for (const env of ['dev', 'prod', 'global']) {
    const out = await mkdtemp(path.join(tmpdir(), 'stack-repo-'));
    const teardown = await assembleStack(REPO, env, { outDir: out });
    assert.ok(teardown.units.length > 1);
    const deploy = await assembleStack(REPO, env, { outDir: out, env: { IMAGE_TAG: '0123456789ab' } });
    assert.deepEqual(deploy.units.map((u) => u.module), teardown.units.map((u) => u.module));
  }
});

test('the Terraform runner fails with what is missing and where it looked when there is no terraform', async () => {
  const previous = process.env.TERRAFORM;
  process.env.TERRAFORM = '/nonexistent/terraform';
  try {
    await assert.rejects(terraformChecks([REPO, `--out=${await mkdtemp(path.join(tmpdir(), 'tf-'))}`]), /terraform not found: tried \/nonexistent\/terraform on PATH=/);
  } finally {
    if (previous === undefined) delete process.env.TERRAFORM;
    else process.env.TERRAFORM = previous;
  }
});
