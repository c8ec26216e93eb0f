// The deploy rehearsal: a first deploy and a delivery of the project, as a user runs them,
// against an AWS API implementation on loopback (moto's server), with the real Terraform and
// AWS provider. See README, "Verified where", and tools/rehearse.sh.
//
//   node tools/infra-check/rehearse.mjs [global|dev|prod|all] [--requests=N] [--parallelism=N] [--out=DIR] [--infra=DIR]
//
// For each environment: every unit applied in dependency order, each with its own state in
// the S3 backend root.hcl configures (the state bucket bootstrapped first), each dependency's
// outputs read from the applied unit's state; a second plan of every unit compared with the
// listed moto artefacts (tools/rehearse/moto-artefacts.json); the pipeline run on what was
// applied; a delivery of a new version through the units and scripts the workflows run; every
// call the delivery roles and the services made checked against their policies; teardown in
// reverse order, and the API's inventory checked empty of the project.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT, awsEnv, probe, startMoto } from './rehearse/aws.mjs';
import { deliver, push, SERVICES } from './rehearse/delivery.mjs';
import { runPipeline } from './rehearse/pipeline.mjs';
import { checkPermissions } from './rehearse/permissions.mjs';
import { StepError, Units, waves } from './rehearse/units.mjs';

const REGION = 'eu-west-1';
const PROJECT = 'ingest-pipeline';

/** Runs jobs with at most `width` at a time (Terragrunt's --parallelism); the first failure rejects. */
async function pool(jobs, width) {
  let next = 0;
  const failures = [];
  async function worker() {
    while (next < jobs.length) {
      const job = jobs[next++];
      await job().catch((error) => failures.push(error));
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  if (failures.length) throw failures[0];
}

/** Sets `name = value` (one line) in an env.hcl of the scratch copy, as a user edits it. */
async function setInput(repo, file, name, value) {
  const full = path.join(repo, file);
  const text = await readFile(full, 'utf8');
  const pattern = new RegExp(`^(\\s*${name}\\s*=\\s*).*$`, 'm');
  if (!pattern.test(text)) throw new Error(`${file} has no input ${name}`);
  await writeFile(full, text.replace(pattern, `$1${value}`));
}

/** The moto artefacts a second plan may show: [{unit, address, attributes, reason}]. */
async function artefacts(root) {
  return JSON.parse(await readFile(path.join(root, 'tools', 'rehearse', 'moto-artefacts.json'), 'utf8')).artefacts;
}

/**
 * Drift not explained by a listed artefact, and listed artefacts that no longer appear.
 * changes: [{unit: "live/<env>/<unit>", address, actions, attributes}]; an artefact explains
 * an update of the attributes it names on its unit and address, in its environments.
 */
export function compareDrift(changes, listed, appliedUnits) {
  const applies = (item, env) => !item.environments || item.environments.includes(env);
  const unexpected = [];
  const seen = new Set();
  for (const change of changes) {
    const [, env, unit] = change.unit.split('/');
    const match = listed.find((item) => item.unit === unit && item.address === change.address && applies(item, env));
    const explained = match && change.actions === 'update' ? change.attributes.filter((attribute) => match.attributes.includes(attribute)) : [];
    for (const attribute of explained) seen.add(`${env} ${unit} ${change.address} ${attribute}`);
    const rest = change.attributes.filter((attribute) => !explained.includes(attribute));
    if (!match || change.actions !== 'update' || rest.length) unexpected.push({ ...change, attributes: rest.length ? rest : change.attributes });
  }
  const stale = [];
  for (const item of listed) {
    for (const dir of appliedUnits) {
      const [, env, unit] = dir.split('/');
      if (unit !== item.unit || !applies(item, env)) continue;
      for (const attribute of item.attributes) if (!seen.has(`${env} ${item.unit} ${item.address} ${attribute}`)) stale.push({ ...item, environment: env, attribute });
    }
  }
  return { unexpected, stale };
}

const [FIRST, SECOND] = ['0000rehearsal', '0001rehearsal']; // commits, as the workflow tags them

/** Every unit of the environment in dependency order, applied and planned again. */
async function applyEnvironment({ units, options, log, report, drift }, environment, env) {
  const list = (await units.list(environment, env)).filter((unit) => unit.dir.startsWith(`live/${environment}/`));
  const t0 = Date.now();
  for (const wave of waves(list)) {
    const evaluated = await units.evaluate(environment, wave.map((unit) => unit.dir), env);
    const jobs = wave.map((unit) => async () => {
      // Torn down even if its apply fails half-way.
      report.set(unit.dir, {});
      const result = await units.apply(evaluated[unit.dir], {});
      const changes = await units.drift(evaluated[unit.dir], result.dir, {});
      drift.push(...changes);
      report.set(unit.dir, { resources: result.resources.length, drift: changes.length });
      const shown = changes.map((c) => `${c.address} ${c.actions} [${c.attributes.join(', ')}]`).join('; ');
      log(`unit ${unit.dir}: applied ${result.resources.length} resources in ${result.seconds.toFixed(0)} s; second plan: ${shown || 'no changes'}`);
    });
    await pool(jobs, Number(options.parallelism ?? 3));
  }
  log(`environment ${environment}: ${list.length} units applied in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Both services on what was applied, each with its own role's credentials; their roles. */
async function pipelineOnWhatWasApplied({ root, moto, admin, units, options, log }, environment) {
  const credentials = {};
  for (const service of SERVICES) {
    const arn = units.outputs[`live/${environment}/${service}`].role_arn;
    credentials[service] = { arn, ...(await probe(root, admin, 'assume-role', { 'role-arn': arn, session: service })) };
  }
  const roles = Object.fromEntries(Object.entries(credentials).map(([service, { arn, ...keys }]) => [service, keys]));
  await runPipeline({ root, out: units.work, url: moto.url, region: REGION, environment, outputs: units.outputs, roles, count: Number(options.requests ?? 300), log });
  return Object.values(credentials).map(({ arn }) => arn);
}

/**
 * Teardown as README says, in reverse order (`terragrunt run --all destroy`, no IMAGE_TAG):
 * prod first gives up its protection on purpose (deletion_protection and
 * bucket_force_destroy set in env.hcl and applied), then every environment is destroyed, then
 * global. Clean only if every destroy passed and the API holds nothing of the project but the
 * state bucket.
 */
async function teardown({ root, repo, admin, units, log, report }, environments) {
  const t0 = Date.now();
  let clean = true;
  const fail = (error) => {
    clean = false;
    log(`teardown: ${error.message}`);
  };
  const applied = (environment) => [...report.keys()].filter((dir) => dir.startsWith(`live/${environment}/`));
  if (applied('prod').some((dir) => /\/(alb|archive-bucket)$/.test(dir))) {
    await setInput(repo, 'live/prod/env.hcl', 'deletion_protection', 'false');
    await setInput(repo, 'live/prod/env.hcl', 'bucket_force_destroy', 'true');
    const names = applied('prod').filter((dir) => /\/(alb|archive-bucket)$/.test(dir));
    const evaluated = await units.evaluate('prod', names, {}).catch((error) => fail(error));
    for (const name of evaluated ? names : []) await units.apply(evaluated[name], {}).catch(fail);
  }
  const destroyEnvironment = async (environment) => {
    const all = await units.list(environment, {});
    const mine = all.filter((unit) => unit.dir.startsWith(`live/${environment}/`) && report.has(unit.dir));
    for (const wave of waves(mine).reverse()) {
      const evaluated = await units.evaluate(environment, wave.map((unit) => unit.dir), {}).catch(fail);
      if (!evaluated) continue;
      for (const unit of wave) {
        try {
          report.get(unit.dir).destroyed = (await units.destroy(evaluated[unit.dir], {})).destroyed;
        } catch (error) {
          fail(error);
        }
      }
    }
  };
  await Promise.all(environments.filter((environment) => environment !== 'global').map((environment) => destroyEnvironment(environment).catch(fail)));
  if (environments.includes('global')) await destroyEnvironment('global').catch(fail);
  const inventory = await probe(root, admin, 'inventory').catch((error) => ({ error: error.message }));
  await writeFile(path.join(units.work, 'inventory.json'), `${JSON.stringify(inventory, null, 2)}\n`);
  const left = leftovers(inventory);
  if (left.length) {
    clean = false;
    log(`teardown: left behind: ${left.join('; ')}`);
  }
  log(`teardown: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return clean;
}

export async function main(argv) {
  const options = Object.fromEntries(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
  const which = argv.find((a) => !a.startsWith('--')) ?? 'all';
  const environments = { global: ['global'], dev: ['global', 'dev'], prod: ['global', 'prod'], all: ['global', 'dev', 'prod'] }[which];
  if (!environments) throw new Error(`unknown environment ${which}: global, dev, prod or all`);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = path.resolve(options.out ?? path.join(root, 'target', 'rehearsal'));
  const started = Date.now();
  const lines = [];
  const log = (line) => {
    lines.push(line);
    console.log(line);
  };

  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  // The checkout the user applies: the repository's infrastructure, with the inputs README
  // lists as "yours to set" set in it as a user sets them.
  const repo = path.join(out, 'repo');
  // --infra=DIR: rehearse another tree's root.hcl, live/ and modules/ (a mutated copy) with
  // this checkout's tools and jars.
  const infra = path.resolve(options.infra ?? root);
  for (const entry of ['root.hcl', 'live', 'modules', 'tools/rehearse']) {
    await cp(path.join(infra, entry), path.join(repo, entry), { recursive: true, filter: (file) => !/(^|\/)(\.terraform|\.terragrunt-cache)$/.test(file) });
  }

  const record = path.join(out, 'calls.jsonl');
  const moto = await startMoto({ repo: root, record, settings: { MOTO_ECS_SERVICE_RUNNING: '2' }, log });
  const admin = awsEnv(moto.url, REGION);
  const pluginCache = path.join(out, 'plugin-cache');
  await mkdir(pluginCache, { recursive: true });
  const baseEnv = {
    ...admin,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: pluginCache,
    TF_CLI_CONFIG_FILE: path.join(out, 'terraformrc'),
  };
  // The AWS provider from the machine's filesystem mirror where it has one (offline), else
  // from the registry (GitHub's runners); either way through one plugin cache.
  const mirror = [process.env.TF_PLUGIN_DIR, '/opt/tf-plugins'].find((dir) => dir && existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws')));
  const installation = mirror
    ? `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
    : '';
  await writeFile(baseEnv.TF_CLI_CONFIG_FILE, installation);
  const units = new Units({ repo, work: out, endpoint: moto.url, baseEnv, log });
  const summary = { calls: 0, denied: 0, teardown: true };
  // Per unit: resources applied, second-plan changes, resources destroyed.
  const report = new Map();
  const drift = [];
  const context = { root, repo, moto, admin, units, options, log, report, drift };
  let failure = null;
  try {
    // Terragrunt's --backend-bootstrap: the state bucket root.hcl names.
    await probe(root, admin, 'bootstrap-state', { bucket: `${PROJECT}-tfstate-${ACCOUNT}` });
    // Yours to set (README): the repository whose workflows deploy; for prod, a certificate
    // of your account, the domain it is for, and who gets the alarms.
    await setInput(repo, 'live/global/env.hcl', 'github_repository', '"example-org/ingest-pipeline"');
    if (environments.includes('prod')) {
      const certificate = await probe(root, admin, 'request-certificate', { domain: 'ingest.rehearsal.test' });
      await setInput(repo, 'live/prod/env.hcl', 'certificate_arn', JSON.stringify(certificate.arn));
      await setInput(repo, 'live/prod/env.hcl', 'domain_name', '"ingest.rehearsal.test"');
      await setInput(repo, 'live/prod/env.hcl', 'alarm_emails', '["oncall@rehearsal.test"]');
    }
    const roles = new Set();
    await applyEnvironment(context, 'global', { IMAGE_TAG: FIRST });
    // The images job of the first commit, before any environment runs it.
    roles.add(await push({ root, url: moto.url, region: REGION, outputs: units.outputs, tag: FIRST }));
    let delivery = null;
    // dev and prod are independent once global is there: both at once, as two people may.
    const results = await Promise.allSettled(
      environments
        .filter((environment) => environment !== 'global')
        .map(async (environment) => {
          await applyEnvironment(context, environment, { IMAGE_TAG: FIRST });
          for (const role of await pipelineOnWhatWasApplied(context, environment)) roles.add(role);
          // The next commit's images job, once, then each environment's deploy job.
          delivery = delivery ?? push({ root, url: moto.url, region: REGION, outputs: units.outputs, tag: SECOND });
          roles.add(await delivery);
          roles.add((await deliver({ root, url: moto.url, region: REGION, units, environment, tag: SECOND, log })).role);
        }),
    );
    const rejected = results.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    const permissions = await checkPermissions({ root, url: moto.url, region: REGION, record, roles: [...roles], out, log });
    summary.calls = permissions.checked;
    summary.denied = permissions.denied.length + permissions.errors.length + permissions.findings.length;
  } catch (error) {
    failure = error;
  }
  const compared = compareDrift(drift, await artefacts(root), [...report.keys()]);
  summary.drift = compared.unexpected.length + compared.stale.length;
  for (const change of compared.unexpected) log(`drift: UNEXPECTED ${change.unit} ${change.address} ${change.actions} [${change.attributes.join(', ')}]`);
  for (const item of compared.stale) log(`drift: listed artefact not seen: ${item.environment} ${item.unit} ${item.address} ${item.attribute}: remove it from tools/rehearse/moto-artefacts.json if moto now answers as AWS does`);
  try {
    summary.teardown = await teardown(context, environments);
  } finally {
    await moto.stop();
  }
  for (const [dir, unit] of report) {
    log(`unit ${dir}: applied ${unit.resources ?? 'FAILED'}, second plan ${unit.drift ?? '-'} change(s), destroyed ${unit.destroyed ?? 'FAILED'}`);
  }
  summary.units = [...report.values()].filter((unit) => unit.resources !== undefined).length;
  summary.resources = [...report.values()].reduce((sum, unit) => sum + (unit.resources ?? 0), 0);
  if (failure) log(`rehearsal: FAILED: ${failure.message}`);
  log(
    `rehearsal: ${summary.units} units applied, ${summary.resources} resources, ${summary.drift} unexpected drift, ${summary.calls} calls checked, ${summary.denied} denied, ` +
      `teardown ${summary.teardown ? 'clean' : 'NOT clean'} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  await writeFile(path.join(out, 'rehearsal.log'), `${lines.join('\n')}\n`);
  return failure || !summary.teardown || summary.drift || summary.denied ? 1 : 0;
}

/** What the inventory still holds of the project, but the state bucket and what is kept on purpose. */
export function leftovers(inventory) {
  if (inventory.error) return [`inventory failed: ${inventory.error}`];
  const left = [];
  for (const [kind, items] of Object.entries(inventory)) {
    if (kind === 'kms_keys_pending_deletion') continue; // AWS keeps a key 7-30 days after deletion is scheduled.
    const kept = items.filter((item) => !(kind === 'buckets' && item === `${PROJECT}-tfstate-${ACCOUNT}`));
    if (kept.length) left.push(`${kind}: ${kept.join(', ')}`);
  }
  return left;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`rehearsal: ${error instanceof StepError ? error.message : error.stack}`);
      process.exitCode = 1;
    },
  );
}
