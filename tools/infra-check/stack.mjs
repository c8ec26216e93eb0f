// Assembles an environment of the Terragrunt stack (live/<env>) into one Terraform root
// module, so that real Terraform can validate and plan every unit with exactly the inputs
// Terragrunt would give it: each unit becomes a module call of its own module, with the
// inputs of its unit file and the files it includes, the locals of each file in their own
// scope, the provider that root.hcl generates (one alias per unit), and each dependency's
// outputs taken from its mock_outputs, as `terragrunt run --all plan` has them on a fresh
// environment, or from its applied state where the caller gives those (`outputs`: the deploy
// rehearsal, rehearse.mjs, which also reads each unit's generated provider and backend). Units outside the environment that a unit depends on (live/global) come
// along. Nothing is copied: every value is an expression of the files themselves, which
// Terraform evaluates.
//
// Terragrunt's own functions are resolved here, where their value is static:
// find_in_parent_folders, read_terragrunt_config, get_terragrunt_dir, get_repo_root,
// get_env (from the given environment, else its default, else an error, as Terragrunt
// fails on every command) and get_aws_account_id (a placeholder account). Any other
// Terragrunt-only function is an error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { exists } from './files.mjs';

/** The account id that get_aws_account_id() stands for in a generated plan. */
export const PLACEHOLDER_ACCOUNT = '123456789012';

const UNSUPPORTED = [
  'path_relative_to_include', 'path_relative_from_include', 'get_parent_terragrunt_dir',
  'get_path_from_repo_root', 'get_path_to_repo_root', 'get_terraform_command', 'get_terraform_cli_args', 'run_cmd',
  'sops_decrypt_file', 'get_aws_caller_identity_arn', 'get_aws_caller_identity_user_id', 'get_terragrunt_source_cli_flag',
  'get_default_retryable_errors', 'read_tfvars_file', 'mark_as_read', 'constraint_check',
];

/** A problem in the stack's files, with the file it is in. */
export class StackError extends Error {
  constructor(file, message) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

async function parseFile(file, root) {
  if (!(await exists(file))) throw new StackError(path.relative(root, file), 'no such file');
  try {
    return await parse(file, await readFile(file, 'utf8'));
  } catch (error) {
    throw new StackError(path.relative(root, file), String(error.message ?? error));
  }
}

/** Whether a module declares an ephemeral resource. */
async function usesEphemeral(dir) {
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir(dir)) {
    if (entry.endsWith('.tf') && /^ephemeral\s+"/m.test(await readFile(path.join(dir, entry), 'utf8'))) return true;
  }
  return false;
}

/** Terragrunt's find_in_parent_folders: the nearest NAME above dir (dir itself excluded). */
async function findInParentFolders(name, dir, root, file) {
  let current = path.dirname(dir);
  for (;;) {
    const candidate = path.join(current, name);
    if (await exists(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) throw new StackError(path.relative(root, file), `find_in_parent_folders("${name}") finds nothing above ${path.relative(root, dir) || '.'}`);
    current = parent;
  }
}

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const FIND = new RegExp(`find_in_parent_folders\\(\\s*${STRING}\\s*\\)`, 'g');
const DIR = /get_terragrunt_dir\(\s*\)/g;
const ORIGINAL_DIR = /get_original_terragrunt_dir\(\s*\)/g;
const REPO_ROOT = /get_repo_root\(\s*\)/g;
const ACCOUNT = /get_aws_account_id\(\s*\)/g;
const ENV = new RegExp(`get_env\\(\\s*${STRING}\\s*(?:,\\s*${STRING}\\s*)?\\)`, 'g');
const READ = new RegExp(`read_terragrunt_config\\(\\s*${STRING}\\s*\\)`, 'g');
const REFERENCE = /(?<![\w.])(local|dependency|include)\.([\w-]+)(\.outputs|\.locals)?/g;
const OTHER = new RegExp(`(?<![\\w.])(${UNSUPPORTED.join('|')}|find_in_parent_folders|read_terragrunt_config|get_env)\\(`);

const quote = (text) => JSON.stringify(text);
/** A value as a literal of Terraform's JSON syntax, whose strings are templates: escaped. */
const literal = (value) => {
  if (typeof value === 'string') return value.replace(/([$%])\{/g, '$1$1{');
  if (Array.isArray(value)) return value.map(literal);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literal(item)]));
  return value;
};
const name = (text) => text.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * One environment's stack. `env` is the process environment that get_env reads (for
 * example IMAGE_TAG); nothing else of the real environment is read.
 */
class Stack {
  constructor(root, outDir, env, outputs) {
    this.root = root;
    this.outDir = outDir;
    this.env = env;
    this.outputs = outputs;
    this.locals = {};
    this.scopes = new Map();
    this.units = new Map();
    this.configs = new Map();
  }

  rel(file) {
    return path.relative(this.root, file);
  }

  /** Rewrites a Terragrunt expression string into a Terraform one for a scope. */
  async expression(text, scope) {
    if (typeof text !== 'string') return text;
    let out = text;
    const findings = [];
    for (const match of out.matchAll(FIND)) findings.push(match);
    for (const match of findings) {
      const found = await findInParentFolders(JSON.parse(`"${match[1]}"`), scope.dir, this.root, scope.file);
      out = out.replace(match[0], quote(found));
    }
    out = out.replace(DIR, quote(scope.dir)).replace(ORIGINAL_DIR, quote(scope.origin)).replace(REPO_ROOT, quote(this.root)).replace(ACCOUNT, quote(PLACEHOLDER_ACCOUNT));
    out = out.replace(ENV, (whole, key, fallback) => {
      const variable = JSON.parse(`"${key}"`);
      if (Object.hasOwn(this.env, variable)) return quote(this.env[variable]);
      if (fallback !== undefined) return `"${fallback}"`;
      throw new StackError(this.rel(scope.file), `get_env("${variable}") has no default: Terragrunt fails on every command (plan, apply, destroy) while ${variable} is unset`);
    });
    // "${"literal"}" inside a string is the literal: static paths become plain strings.
    out = out.replace(/\$\{"((?:[^"\\]|\\.)*)"\}/g, '$1');
    for (const match of [...out.matchAll(READ)]) {
      const config = await this.config(JSON.parse(`"${match[1]}"`), scope);
      out = out.replace(match[0], `\u0000${config}\u0000`);
    }
    const other = OTHER.exec(out);
    if (other) throw new StackError(this.rel(scope.file), `${other[1]}(...) is not supported by the stack plan here: ${text}`);
    const rewritten = out.replace(REFERENCE, (whole, kind, id, member) => {
      if (kind === 'local') return `local.${scope.prefix}__${name(id)}${member ?? ''}`;
      if (kind === 'dependency') {
        if (member !== '.outputs' || !scope.unit?.dependencies.has(id)) {
          throw new StackError(this.rel(scope.file), `dependency.${id}${member ?? ''} does not name a dependency's outputs`);
        }
        return `local.${scope.unit.dependencies.get(id)}`;
      }
      const included = scope.unit?.includes.get(id);
      if (member !== '.locals' || !included) throw new StackError(this.rel(scope.file), `include.${id}${member ?? ''} is not an exposed include's locals`);
      return `local.${included.prefix}___locals`;
    });
    return rewritten.replace(/\u0000([\w]+)\u0000/g, 'local.$1');
  }

  /** Rewrites every string of a JSON value (objects and lists of hcl2json) for a scope. */
  async value(value, scope) {
    if (typeof value === 'string') return this.expression(value, scope);
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.value(item, scope)));
    if (value && typeof value === 'object') {
      const out = {};
      for (const [key, item] of Object.entries(value)) {
        // Keys are templates too in Terraform's JSON syntax: ("${local.x}") = ... in HCL.
        out[key.includes('${') ? await this.expression(key, scope) : key] = await this.value(item, scope);
      }
      return out;
    }
    return value;
  }

  /** Declares a file's locals in its scope, plus an object of all of them. */
  async declareLocals(json, scope) {
    const all = {};
    for (const block of json.locals ?? []) {
      for (const [key, value] of Object.entries(block)) {
        this.locals[`${scope.prefix}__${name(key)}`] = await this.value(value, scope);
        all[key] = `\${local.${scope.prefix}__${name(key)}}`;
      }
    }
    this.locals[`${scope.prefix}___locals`] = all;
  }

  newScope(file, unit) {
    const prefix = `s${this.scopes.size}_${name(path.basename(path.dirname(file)))}_${name(path.basename(file, '.hcl'))}`;
    const scope = { file, dir: unit ? unit.dir : path.dirname(file), origin: unit?.dir, unit, prefix };
    this.scopes.set(prefix, scope);
    return scope;
  }

  /** read_terragrunt_config(file): a local holding {locals = ...} of that file. */
  async config(file, scope) {
    const key = `${scope.origin}|${file}`;
    if (!this.configs.has(key)) {
      // Terragrunt evaluates a read config in its own folder; get_original_terragrunt_dir()
      // stays the unit's.
      const read = this.newScope(file, null);
      read.dir = path.dirname(file);
      read.origin = scope.origin;
      this.configs.set(key, `${read.prefix}___config`);
      await this.declareLocals(await parseFile(file, this.root), read);
      this.locals[`${read.prefix}___config`] = { locals: `\${local.${read.prefix}___locals}` };
    }
    return this.configs.get(key);
  }

  /** Resolves a path attribute (include path, config_path, source) to a static path. */
  async staticPath(text, scope) {
    const resolved = await this.expression(text, scope);
    const literal = /^\$\{(?:dirname\(("(?:[^"\\]|\\.)*")\)|("(?:[^"\\]|\\.)*"))\}(.*)$/.exec(resolved);
    let result = resolved;
    if (literal) result = (literal[1] ? path.dirname(JSON.parse(literal[1])) : JSON.parse(literal[2])) + literal[3];
    if (result.includes('${')) throw new StackError(this.rel(scope.file), `path ${text} is not static`);
    return path.resolve(scope.dir, result);
  }

  /** Loads the unit in dir (a folder with terragrunt.hcl) and, first, its dependencies. */
  async unit(dir, trail = []) {
    if (this.units.has(dir)) return this.units.get(dir);
    if (trail.includes(dir)) throw new StackError(this.rel(dir), `dependency cycle: ${[...trail, dir].map((d) => this.rel(d)).join(' -> ')}`);
    const file = path.join(dir, 'terragrunt.hcl');
    const json = await parseFile(file, this.root);
    const unit = { dir, file, dependencies: new Map(), producers: new Map(), includes: new Map(), parts: [], module: null, source: null };
    const own = this.newScope(file, unit);
    unit.parts.push({ json, scope: own });
    for (const [label, blocks] of Object.entries(json.include ?? {})) {
      const block = blocks[0];
      const included = await this.staticPath(block.path, own);
      if (!(await exists(included))) throw new StackError(this.rel(file), `include "${label}" points at ${this.rel(included)}, which does not exist`);
      const scope = this.newScope(included, unit);
      if (block.expose === true) unit.includes.set(label, scope);
      unit.parts.push({ json: await parseFile(included, this.root), scope });
    }
    // The unit's own file wins over what it includes (Terragrunt's shallow merge).
    unit.parts.push(unit.parts.shift());
    for (const { json: part, scope } of unit.parts) {
      const source = part.terraform?.[0]?.source;
      if (source) unit.source = { text: source, scope };
      for (const [label, blocks] of Object.entries(part.dependency ?? {})) {
        unit.dependencies.set(label, { block: blocks[0], scope });
      }
    }
    if (!unit.source) throw new StackError(this.rel(file), 'no terraform.source');
    unit.module = this.moduleName(dir);
    const dependencies = new Map();
    for (const [label, { block, scope }] of unit.dependencies) {
      const target = await this.staticPath(block.config_path, scope);
      if (!(await exists(path.join(target, 'terragrunt.hcl')))) {
        throw new StackError(this.rel(scope.file), `dependency "${label}" points at ${this.rel(target)}, which is no unit`);
      }
      const producer = await this.unit(target, [...trail, dir]);
      dependencies.set(label, `${unit.module}__dependency_${name(label)}`);
      unit.producers.set(label, producer);
      unit.consumed = unit.consumed ?? [];
      for (const output of Object.keys(block.mock_outputs ?? {})) unit.consumed.push({ label, producer, output, scope });
    }
    unit.dependencies = dependencies;
    this.units.set(dir, unit);
    return unit;
  }

  moduleName(dir) {
    const relative = path.relative(path.join(this.root, 'live'), dir).split(path.sep);
    return name(relative.length > 1 && relative[0] !== this.envName ? relative.join('_') : relative.at(-1));
  }

  /** The module call, provider and locals of one loaded unit. */
  async emit(unit) {
    const tf = { module: {}, provider: [] };
    const blocks = new Map();
    let backend = null;
    for (const { json, scope } of unit.parts) {
      await this.declareLocals(json, scope);
      for (const [label, item] of Object.entries(json.dependency ?? {})) blocks.set(label, { block: item[0], scope });
      for (const item of Object.values(json.generate ?? {})) {
        for (const provider of await this.providers(item[0].contents, scope)) tf.provider.push(provider);
      }
      for (const state of json.remote_state ?? []) {
        this.locals[`${scope.prefix}___remote_state`] = await this.value(state.config ?? {}, scope);
        backend = { type: state.backend, config: `\${local.${scope.prefix}___remote_state}` };
      }
    }
    for (const [label, { block, scope }] of blocks) {
      // A dependency with state gives its real outputs, as Terragrunt reads them with
      // `terraform output -json`; one without gives its mock_outputs (plan on a fresh
      // environment). Real values are literals: no template in them is evaluated.
      const real = this.outputs?.[this.rel(unit.producers.get(label).dir)];
      this.locals[`${unit.module}__dependency_${name(label)}`] = real ? literal(real) : await this.value(block.mock_outputs ?? {}, scope);
    }
    const inputs = {};
    for (const { json, scope } of unit.parts) {
      for (const [key, value] of Object.entries(json.inputs ?? {})) inputs[key] = await this.value(value, scope);
    }
    const source = (await this.staticPath(unit.source.text, unit.source.scope)).replace('//', '/');
    if (!(await exists(source))) throw new StackError(this.rel(unit.source.scope.file), `terraform.source ${unit.source.text} does not exist`);
    unit.sourceDir = source;
    const call = { source: this.moduleSource(source), ...inputs };
    tf.module[unit.module] = call;
    // The unit's inputs as Terragrunt passes them, for the checks across units.
    tf.output = { [`${unit.module}__inputs`]: { value: inputs, description: `inputs of ${this.rel(unit.dir)}` } };
    // What Terragrunt generates into the unit's working copy: its provider blocks and its
    // backend, for the tools that run the unit on its own (rehearse.mjs).
    unit.generated = { provider: `${unit.module}__provider`, backend: `${unit.module}__backend` };
    tf.output[unit.generated.provider] = { value: tf.provider.map(({ alias, ...config }) => config), description: `provider blocks generated into ${this.rel(unit.dir)}` };
    tf.output[unit.generated.backend] = { value: backend ?? {}, description: `remote state of ${this.rel(unit.dir)}` };
    return tf;
  }

  /** The module source as the generated root sees it: a relative path. */
  moduleSource(dir) {
    const relative = path.relative(this.outDir, path.join(this.moduleRoot, path.relative(path.join(this.root, 'modules'), dir)));
    return relative.startsWith('.') ? relative : `./${relative}`;
  }

  /** Provider blocks of a generate block's contents. */
  async providers(contents, scope) {
    const generated = await parse(`${scope.file}#generate`, contents).catch((error) => {
      throw new StackError(this.rel(scope.file), `generated contents do not parse: ${error.message ?? error}`);
    });
    const out = [];
    for (const [type, configs] of Object.entries(generated.provider ?? {})) {
      if (type !== 'aws') throw new StackError(this.rel(scope.file), `generated provider "${type}": only aws is planned here`);
      for (const config of configs) out.push(await this.value(config, scope));
    }
    return out;
  }
}

/**
 * Assembles live/<envName> under root into a Terraform root module for outDir, whose
 * module sources point at moduleRoot (a copy of root/modules, or root/modules itself).
 * Returns the files to write ({'main.tf.json', 'tests/stack.tftest.hcl'}) and the units.
 */
export async function assembleStack(root, envName, { outDir, moduleRoot = path.join(root, 'modules'), env = {}, mocks = null, outputs = null } = {}) {
  const stack = new Stack(path.resolve(root), path.resolve(outDir), env, outputs);
  stack.envName = envName;
  stack.moduleRoot = path.resolve(moduleRoot);
  const envDir = path.join(stack.root, 'live', envName);
  if (!(await exists(envDir))) throw new StackError(`live/${envName}`, 'no such environment');
  const { readdir } = await import('node:fs/promises');
  for (const entry of (await readdir(envDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && (await exists(path.join(envDir, entry.name, 'terragrunt.hcl')))) {
      await stack.unit(path.join(envDir, entry.name));
    }
  }
  const main = { terraform: { required_version: '>= 1.11' }, locals: stack.locals, module: {}, provider: { aws: [] }, output: {} };
  const units = [...stack.units.values()];
  // One mocked provider for every unit: each provider instance is a process of its own,
  // and the units' generated provider blocks differ only in their Unit tag, so the first
  // unit's block stands for all. Units with ephemeral resources get the real provider
  // (Terraform 1.11 cannot mock those), which the runner points at a local stub of the
  // AWS API (AWS_ENDPOINT_URL).
  const ephemeral = [];
  for (const unit of units) {
    const tf = await stack.emit(unit);
    Object.assign(main.module, tf.module);
    Object.assign(main.output, tf.output);
    if (tf.provider.length === 0) continue;
    if (main.provider.aws.length === 0) main.provider.aws.push(...tf.provider.map(({ alias, ...config }) => config));
    if (await usesEphemeral(unit.sourceDir)) {
      if (!main.provider.aws.some((config) => config.alias === 'ephemeral')) main.provider.aws.push({ ...main.provider.aws[0], alias: 'ephemeral' });
      ephemeral.push(unit.module);
      main.module[unit.module].providers = { aws: 'aws.ephemeral' };
    } else {
      delete main.module[unit.module].providers;
    }
  }
  const providers = [`mock_provider "aws" {\n${mocks ? `  source = ${quote(path.relative(stack.outDir, mocks))}\n` : ''}}\n`];
  if (ephemeral.length) {
    providers.push('provider "aws" {\n  alias                       = "ephemeral"\n  region                      = "eu-west-1"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n}\n');
  }
  const asserts = [];
  for (const unit of units) {
    for (const { label, producer, output } of unit.consumed ?? []) {
      // An output that does not exist fails validation with Terraform's own "Unsupported
      // attribute"; one that is null would be left out of the producer's state.
      const key = `${unit.module}__uses__${name(label)}__${name(output)}`;
      main.output[key] = { value: `\${module.${producer.module}.${output}}`, description: `${stack.rel(unit.dir)} reads dependency.${label}.outputs.${output}` };
      if (ephemeral.includes(producer.module)) continue;
      asserts.push(
        `  assert {\n    condition     = module.${producer.module}.${output} != null\n` +
          `    error_message = ${quote(`${stack.rel(producer.dir)} outputs ${output} as null: Terraform leaves null outputs out of the state, so ${stack.rel(unit.dir)}'s dependency.${label}.outputs.${output} fails with "Unsupported attribute" once ${stack.rel(producer.dir)} is applied.`)}\n  }\n`,
      );
    }
  }
  if (main.provider.aws.length === 0) delete main.provider;
  const overrides = ephemeral.map((module) => `  override_module {\n    target = module.${module}\n  }\n`).join('\n');
  const tests = [
    `# Generated by tools/infra-check/stack.mjs from live/${envName}: do not edit.\n`,
    ...providers,
    `# Every unit planned as \`terragrunt run --all plan\` plans a fresh environment: dependencies\n# read from their mock_outputs. No AWS account is used.\nrun "plan" {\n  command = plan\n}\n`,
    `# Applied against the mocked providers, so that every output has a value: an output that a\n# unit consumes must not be null.${ephemeral.length ? ' Units with ephemeral resources keep their plan above.' : ''}\nrun "outputs" {\n  command = apply\n${overrides}${overrides && asserts.length ? '\n' : ''}${asserts.join('\n')}}\n`,
  ];
  // Checks across units (live/_checks/*.tftest.hcl: run blocks over module.<unit> and
  // output.<unit>__inputs), for each environment that has every unit they name; then the
  // environment's own (live/<env>/_checks/*.tftest.hcl), such as which runtime it uses.
  for (const checks of ['_checks', path.join(envName, '_checks')]) {
    const checksDir = path.join(stack.root, 'live', checks);
    if (!(await exists(checksDir))) continue;
    for (const entry of (await readdir(checksDir)).sort()) {
      if (!entry.endsWith('.tftest.hcl')) continue;
      const text = await readFile(path.join(checksDir, entry), 'utf8');
      const named = [...text.matchAll(/\b(?:module\.(\w+)\.|output\.(\w+?)__inputs\b)/g)].map((m) => m[1] ?? m[2]);
      if (named.every((module) => Object.hasOwn(main.module, module))) tests.push(`# From live/${checks}/${entry}\n${text}`);
    }
  }
  return {
    files: { 'main.tf.json': `${JSON.stringify(main, null, 2)}\n`, 'tests/stack.tftest.hcl': tests.join('\n') },
    units: units.map((unit) => ({
      module: unit.module,
      dir: stack.rel(unit.dir),
      source: path.relative(stack.moduleRoot, unit.sourceDir),
      dependencies: [...unit.producers.values()].map((producer) => stack.rel(producer.dir)),
      generated: unit.generated,
    })),
  };
}
