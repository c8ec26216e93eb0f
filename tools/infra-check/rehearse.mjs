// The deploy rehearsal: a first deploy and a delivery of the project, as a user runs them,
// against an AWS API implementation on loopback (moto's server), with the real Terraform and
// AWS provider. See README, "Verified where", and tools/rehearse.sh.
//
//   node tools/infra-check/rehearse.mjs [global|dev|prod|all] [--out=DIR] [--keep]
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
  for (const entry of ['root.hcl', 'live', 'modules', 'tools/rehearse']) {
    await cp(path.join(root, entry), path.join(repo, entry), { recursive: true, filter: (file) => !/(^|\/)(\.terraform|\.terragrunt-cache)$/.test(file) });
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
  const summary = { units: 0, resources: 0, drift: 0, calls: 0, denied: 0, teardown: true };
  const applied = [];
  let failure = null;
  try {
    // Terragrunt's --backend-bootstrap: the state bucket root.hcl names.
    await probe(root, admin, 'bootstrap-state', { bucket: `${PROJECT}-tfstate-${ACCOUNT}` });
    await setInput(repo, 'live/global/env.hcl', 'github_repository', '"example-org/ingest-pipeline"');
    const listed = await artefacts(root);
    const drift = [];
    // The first deploy's version, and the delivery's: commits as the workflow tags them.
    const [first, second] = ['0000rehearsal', '0001rehearsal'];
    const roles = new Set();
    for (const environment of environments) {
      const env = { IMAGE_TAG: first };
      if (environment === 'prod') {
        // Yours to set (README): a certificate of your account for the API's domain, and
        // who gets the alarms.
        const certificate = await probe(root, admin, 'request-certificate', { domain: 'ingest.rehearsal.test' });
        await setInput(repo, 'live/prod/env.hcl', 'certificate_arn', JSON.stringify(certificate.arn));
        await setInput(repo, 'live/prod/env.hcl', 'alarm_emails', '["oncall@rehearsal.test"]');
      }
      const list = (await units.list(environment, env)).filter((unit) => unit.dir.startsWith(`live/${environment}/`));
      const t0 = Date.now();
      for (const wave of waves(list)) {
        const evaluated = await units.evaluate(environment, wave.map((unit) => unit.dir), env);
        await pool(
          wave.map((unit) => async () => {
            // Torn down even if its apply fails half-way.
            applied.push(evaluated[unit.dir]);
            const result = await units.apply(evaluated[unit.dir], {});
            const changes = await units.drift(evaluated[unit.dir], result.dir, {});
            drift.push(...changes);
            summary.units += 1;
            summary.resources += result.resources.length;
            log(`unit ${unit.dir}: applied ${result.resources.length} resources in ${result.seconds.toFixed(0)} s; second plan: ${changes.length ? changes.map((c) => `${c.address} ${c.actions} [${c.attributes.join(', ')}]`).join('; ') : 'no changes'}`);
          }),
          Number(options.parallelism ?? 3),
        );
      }
      log(`environment ${environment}: ${list.length} units applied in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      if (environment === 'global') {
        // The images job of the first commit, before any environment runs it.
        roles.add(await push({ root, url: moto.url, region: REGION, outputs: units.outputs, tag: first }));
        continue;
      }
      // Each service with the credentials of its own role (task role or function role).
      const serviceRoles = {};
      for (const service of SERVICES) {
        const arn = units.outputs[`live/${environment}/${service}`].role_arn;
        roles.add(arn);
        serviceRoles[service] = await probe(root, admin, 'assume-role', { 'role-arn': arn, session: service });
      }
      await runPipeline({ root, url: moto.url, region: REGION, environment, outputs: units.outputs, roles: serviceRoles, count: Number(options.requests ?? 300), log });
      if (environment === environments.find((name) => name !== 'global')) {
        roles.add(await push({ root, url: moto.url, region: REGION, outputs: units.outputs, tag: second }));
      }
      const delivered = await deliver({ root, url: moto.url, region: REGION, units, environment, tag: second, log });
      roles.add(delivered.role);
    }
    const permissions = await checkPermissions({ root, url: moto.url, region: REGION, record, roles: [...roles], out, log });
    summary.calls = permissions.checked;
    summary.denied = permissions.denied.length + permissions.errors.length;
    const compared = compareDrift(drift, listed, applied.map((unit) => unit.dir));
    summary.drift = compared.unexpected.length;
    for (const change of compared.unexpected) log(`drift: UNEXPECTED ${change.unit} ${change.address} ${change.actions} [${change.attributes.join(', ')}]`);
    for (const item of compared.stale) log(`drift: listed artefact not seen: ${item.environment} ${item.unit} ${item.address} ${item.attribute} (${item.reason}): remove it from tools/rehearse/moto-artefacts.json if moto now answers as AWS does`);
    if (compared.unexpected.length || compared.stale.length) failure = failure ?? new Error('the second plan differs from the listed moto artefacts');
  } catch (error) {
    failure = error;
  } finally {
    // Teardown in reverse order, as `terragrunt run --all destroy`: no IMAGE_TAG.
    const t0 = Date.now();
    for (const environment of [...environments].reverse()) {
      const mine = applied.filter((unit) => unit.dir.startsWith(`live/${environment}/`));
      for (const wave of waves(mine).reverse()) {
        const evaluated = await units.evaluate(environment, wave.map((unit) => unit.dir), {}).catch((error) => {
          summary.teardown = false;
          log(`teardown: ${error.message}`);
          return null;
        });
        if (!evaluated) continue;
        for (const unit of wave) {
          try {
            const result = await units.destroy(evaluated[unit.dir], {});
            log(`unit ${unit.dir}: destroyed ${result.destroyed} resources`);
          } catch (error) {
            summary.teardown = false;
            log(`teardown: ${error.message}`);
          }
        }
      }
    }
    const inventory = await probe(root, admin, 'inventory').catch((error) => ({ error: error.message }));
    await writeFile(path.join(out, 'inventory.json'), `${JSON.stringify(inventory, null, 2)}\n`);
    const left = leftovers(inventory);
    if (left.length) {
      summary.teardown = false;
      log(`teardown: left behind: ${left.join('; ')}`);
    }
    log(`teardown: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    await moto.stop();
  }
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
