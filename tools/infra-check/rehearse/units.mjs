// One Terragrunt unit run the way Terragrunt runs it: the unit's module source copied into a
// working folder of its own (the whole tree before `//`, as .terragrunt-cache holds it), the
// provider and backend files root.hcl generates written beside it, the inputs passed as
// TF_VAR_ variables, each dependency's outputs read from its own applied state, and
// `terraform init`, `apply`, `plan`, `output` and `destroy` run in that folder.
//
// The one addition is the rehearsal's: an override file that points the generated provider
// at the AWS API on loopback, and a backend configuration file that points the S3 backend
// there too. Nothing of the project's own Terraform changes.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleStack } from '../stack.mjs';

/** The provider's endpoint names of every service the modules and the backend call. */
const SERVICES = ['acm', 'appautoscaling', 'cloudwatch', 'ec2', 'ecr', 'ecs', 'elbv2', 'iam', 'kms', 'lambda', 'logs', 's3', 'secretsmanager', 'sns', 'sqs', 'ssm', 'sts'];

export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      resolve({ ok: !error, code: error?.code ?? 0, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}

/** A failure of one step of one unit, with the tool's own output. */
export class StepError extends Error {
  constructor(unit, step, output) {
    super(`${unit}: ${step} failed\n${String(output).trim().split('\n').slice(-40).join('\n')}`);
    this.unit = unit;
    this.step = step;
  }
}

/** How Terragrunt hands an input to Terraform: strings as they are, anything else as JSON. */
export function tfVar(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class Units {
  /**
   * repo: the checkout the user applies (a scratch copy); work: where unit folders go;
   * endpoint: the AWS API's URL; baseEnv: the process environment for terraform.
   */
  constructor({ repo, work, endpoint, baseEnv, log }) {
    this.repo = repo;
    this.work = work;
    this.endpoint = endpoint;
    this.baseEnv = baseEnv;
    this.log = log;
    /** Applied units' outputs by unit folder (live/dev/queue): what `terraform output -json` gives. */
    this.outputs = {};
  }

  /** The environment's units, each with the units it depends on (folders under live/). */
  async list(environment, env = {}) {
    const stack = await assembleStack(this.repo, environment, { outDir: path.join(this.work, 'values', environment), env, outputs: this.outputs });
    return stack.units;
  }

  /**
   * Evaluates what Terragrunt would give each of the named units (their inputs, provider
   * and backend), with the dependencies' real outputs: the stack's locals and these values
   * as outputs of a root without resources, applied by Terraform itself.
   */
  async evaluate(environment, names, env) {
    // A folder per evaluation: dev's and prod's deploy jobs evaluate global's units at once.
    this.evaluations = (this.evaluations ?? 0) + 1;
    const dir = path.join(this.work, 'values', `${environment}-${this.evaluations}`);
    const stack = await assembleStack(this.repo, environment, { outDir: dir, env, outputs: this.outputs });
    const main = JSON.parse(stack.files['main.tf.json']);
    const wanted = stack.units.filter((unit) => names.includes(unit.dir));
    for (const unit of wanted) {
      for (const dependency of unit.dependencies) {
        if (!this.outputs[dependency]) throw new StepError(unit.dir, 'inputs', `dependency ${dependency} has no state: apply it first (Terragrunt refuses mock_outputs on apply)`);
      }
    }
    const keep = new Set(wanted.flatMap((unit) => [`${unit.module}__inputs`, unit.generated.provider, unit.generated.backend]));
    const values = { terraform: main.terraform, locals: main.locals, output: Object.fromEntries(Object.entries(main.output).filter(([key]) => keep.has(key))) };
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'main.tf.json'), `${JSON.stringify(values, null, 2)}\n`);
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-auto-approve', '-input=false', '-no-color']]) {
      const result = await run('terraform', args, { cwd: dir, env: this.baseEnv });
      if (!result.ok) throw new StepError(`live/${environment}`, `evaluate inputs (${args[0]})`, result.output);
    }
    const result = await run('terraform', ['output', '-json'], { cwd: dir, env: this.baseEnv });
    if (!result.ok) throw new StepError(`live/${environment}`, 'evaluate inputs (output)', result.output);
    const outputs = JSON.parse(result.stdout);
    return Object.fromEntries(
      wanted.map((unit) => [
        unit.dir,
        { ...unit, inputs: outputs[`${unit.module}__inputs`].value, providers: outputs[unit.generated.provider].value, backend: outputs[unit.generated.backend].value },
      ]),
    );
  }

  /**
   * The unit's working folder: a copy of modules/, the generated files, the rehearsal's
   * override. `reader` names a folder of its own for a job that only reads the unit's state
   * (two deploy jobs read global's outputs at once).
   */
  async prepare(unit, reader = '') {
    const base = path.join(this.work, 'units', `${unit.dir.replace(/^live\//, '')}${reader ? `@${reader}` : ''}`);
    const dir = path.join(base, 'modules', unit.source);
    await rm(base, { recursive: true, force: true });
    await cp(path.join(this.repo, 'modules'), path.join(base, 'modules'), { recursive: true, filter: (file) => !/(^|\/)(\.terraform|tests)$/.test(file) });
    await writeFile(path.join(dir, 'provider.tf.json'), `${JSON.stringify({ provider: { aws: unit.providers } }, null, 2)}\n`);
    const { type, config } = unit.backend;
    await writeFile(path.join(dir, 'backend.tf.json'), `${JSON.stringify({ terraform: { backend: { [type]: config } } }, null, 2)}\n`);
    const endpoints = Object.fromEntries(SERVICES.map((service) => [service, this.endpoint]));
    const override = {
      provider: {
        aws: {
          endpoints: [endpoints],
          s3_use_path_style: true,
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          max_retries: 3,
        },
      },
    };
    await writeFile(path.join(dir, 'zz_rehearsal_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
    const backendConfig = [
      `endpoints = { s3 = "${this.endpoint}", sts = "${this.endpoint}", iam = "${this.endpoint}" }`,
      'use_path_style = true',
      'skip_credentials_validation = true',
      'skip_requesting_account_id = true',
      'skip_metadata_api_check = true',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'rehearsal.s3.tfbackend'), backendConfig);
    return dir;
  }

  env(unit, credentials) {
    const env = { ...this.baseEnv, ...credentials };
    // A null input is left out, so the variable keeps its default (a TF_VAR_ of "null" would be
    // the string "null" for a string variable).
    for (const [name, value] of Object.entries(unit.inputs)) if (value !== null) env[`TF_VAR_${name}`] = tfVar(value);
    return env;
  }

  async terraform(unit, dir, args, credentials, step = args[0]) {
    const flags = { init: ['-no-color', '-input=false'], apply: ['-no-color', '-input=false'], plan: ['-no-color', '-input=false'], destroy: ['-no-color', '-input=false'], output: ['-no-color'], show: ['-no-color'] }[args[0]] ?? [];
    const command = () => run('terraform', [...args, ...flags], { cwd: dir, env: this.env(unit, credentials) });
    // Terraform's plugin cache is not safe for concurrent installs: one init at a time.
    const result = args[0] === 'init' ? await (this.inits = (this.inits ?? Promise.resolve()).then(command)) : await command();
    if (!result.ok && !(args.includes('-detailed-exitcode') && result.code === 2)) throw new StepError(unit.dir, step, result.output);
    return result;
  }

  /** init + apply; the unit's outputs are kept for its dependents. Returns resource counts. */
  async apply(unit, credentials) {
    const dir = await this.prepare(unit);
    await this.terraform(unit, dir, ['init', '-backend-config=rehearsal.s3.tfbackend', '-reconfigure'], credentials);
    const started = Date.now();
    const applied = await this.terraform(unit, dir, ['apply', '-auto-approve'], credentials);
    const counts = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(applied.stdout);
    await this.readOutputs(unit, dir, credentials);
    const state = await this.terraform(unit, dir, ['state', 'list'], credentials, 'state list');
    const resources = state.stdout.split('\n').filter((line) => line && !/(^|\.)data\./.test(line));
    return { dir, seconds: (Date.now() - started) / 1000, added: Number(counts?.[1] ?? 0), changed: Number(counts?.[2] ?? 0), resources };
  }

  async readOutputs(unit, dir, credentials) {
    const outputs = await this.terraform(unit, dir, ['output', '-json'], credentials, 'output');
    this.outputs[unit.dir] = Object.fromEntries(Object.entries(JSON.parse(outputs.stdout)).map(([name, { value }]) => [name, value]));
    return this.outputs[unit.dir];
  }

  /** A plan right after the apply: every change it shows, with the attributes that change. */
  async drift(unit, dir, credentials) {
    await this.terraform(unit, dir, ['plan', '-detailed-exitcode', '-out=drift.plan'], credentials, 'second plan');
    const shown = await this.terraform(unit, dir, ['show', '-json', 'drift.plan'], credentials, 'show plan');
    const plan = JSON.parse(shown.stdout);
    // Kept for a look at the values (the unit's folder is laid anew for its destroy).
    await mkdir(path.join(this.work, 'plans'), { recursive: true });
    await writeFile(path.join(this.work, 'plans', `${unit.dir.replace(/\//g, '_')}.json`), shown.stdout);
    const changes = [];
    for (const change of plan.resource_changes ?? []) {
      const actions = change.change.actions;
      if (actions.every((action) => action === 'no-op' || action === 'read')) continue;
      changes.push({ unit: unit.dir, address: change.address, actions: actions.join('+'), attributes: changedAttributes(change.change) });
    }
    return changes;
  }

  async destroy(unit, credentials) {
    const dir = await this.prepare(unit);
    await this.terraform(unit, dir, ['init', '-backend-config=rehearsal.s3.tfbackend', '-reconfigure'], credentials);
    const result = await this.terraform(unit, dir, ['destroy', '-auto-approve'], credentials);
    const counts = /Resources: (\d+) destroyed/.exec(result.stdout);
    delete this.outputs[unit.dir];
    return { destroyed: Number(counts?.[1] ?? 0) };
  }
}

/** The top-level attributes whose value differs between a change's before and after. */
export function changedAttributes(change) {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const names = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...names].filter((name) => unknown[name] === true || JSON.stringify(before[name] ?? null) !== JSON.stringify(after[name] ?? null)).sort();
}

/** Units in an order that applies every dependency before its dependents, in waves. */
export function waves(units) {
  const inside = new Set(units.map((unit) => unit.dir));
  const done = new Set();
  const out = [];
  let left = [...units];
  while (left.length) {
    const ready = left.filter((unit) => unit.dependencies.every((dependency) => !inside.has(dependency) || done.has(dependency)));
    if (!ready.length) throw new Error(`dependency cycle among ${left.map((unit) => unit.dir).join(', ')}`);
    out.push(ready);
    for (const unit of ready) done.add(unit.dir);
    left = left.filter((unit) => !done.has(unit.dir));
  }
  return out;
}

export async function readJson(file) {
  return JSON.parse(await readFile(file, 'utf8'));
}
