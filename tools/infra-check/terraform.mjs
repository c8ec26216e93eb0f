// Real Terraform over the infrastructure, offline where the machine has a provider mirror:
// for every module, `terraform init -backend=false` and `terraform test` (its tests/,
// mocked provider; the test validates the configuration first; a root without tests gets
// `terraform validate`); for every environment under live/, the
// stack as Terragrunt assembles it (stack.mjs), with values for the inputs that are yours
// to set (placeholders.mjs), validated and tested the same way; each environment assembled
// once more with an empty environment, as a teardown runs; and, for each placeholder an
// environment ships, that environment with the placeholder left as shipped (the others
// set), whose plan must fail naming that input and no other error.
//
//   node tools/infra-check/terraform.mjs [ROOT] [--aws-provider-version=5.100.0|"~> 6.0"] [--out=DIR]
//     [--only=modules/queue,live/dev]
//
// --aws-provider-version narrows the modules' range to one version or constraint (the
// GitHub workflow runs both ends: 5.100.0 and the newest 6.x), in place of the version each
// root's committed .terraform.lock.hcl pins (the copy's lock is dropped); without it, each
// init uses the lock as it is (-lockfile=readonly). The AWS provider comes from a filesystem
// mirror when one holds it ($TF_PLUGIN_DIR, else /opt/tf-plugins; an exact version must be
// there), else from the registry. Without terraform, or without any provider,
// it fails and says where it looked. Everything it writes is under target/terraform.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleStack, StackError } from './stack.mjs';
import { exists } from './files.mjs';
import { PLACEHOLDERS, placeholdersOf, settledCopy } from './placeholders.mjs';

const MIRRORS = [process.env.TF_PLUGIN_DIR, '/opt/tf-plugins'];
const PLATFORM = `${os.platform()}_${{ x64: 'amd64', arm64: 'arm64' }[os.arch()] ?? os.arch()}`;
// The tag a deploy sets; a teardown runs with none.
const DEPLOY_ENV = { IMAGE_TAG: '0123456789ab' };
// What is copied of a root: not its working directory (.terraform), but its lock file.
const COPIED = (file) => !/(^|\/)\.terraform$/.test(file);

function run(command, args, options) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      resolve({ ok: !error, code: error?.code ?? 0, stdout, output: `${stdout}${stderr}` });
    });
  });
}

/** terraform on the PATH (or $TERRAFORM), at least 1.11. */
async function findTerraform() {
  const binary = process.env.TERRAFORM ?? 'terraform';
  const version = await run(binary, ['version', '-json'], {});
  if (!version.ok) {
    throw new Error(`terraform not found: tried ${binary} on PATH=${process.env.PATH}. Install Terraform >= 1.11 (README, Tests).`);
  }
  const found = JSON.parse(version.stdout).terraform_version;
  const [major, minor] = found.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 11)) throw new Error(`terraform ${found} at ${binary} is older than 1.11`);
  return { binary, version: found };
}

/** The mirror that holds hashicorp/aws (at the wanted version, if one is asked for), else null. */
async function findMirror(version) {
  const looked = [];
  for (const dir of MIRRORS) {
    if (!dir) continue;
    const aws = path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
    const versions = (await exists(aws)) ? await readdir(aws) : [];
    const usable = [];
    for (const v of versions) if (await exists(path.join(aws, v, PLATFORM))) usable.push(v);
    looked.push(`${dir} (${!(await exists(dir)) ? 'absent' : usable.length ? `hashicorp/aws ${usable.join(', ')}` : 'no hashicorp/aws'})`);
    if (usable.length && (!version || usable.includes(version))) return { dir, versions: usable, looked };
  }
  return { dir: null, looked };
}

/**
 * A stub of the AWS API on loopback. Terraform 1.11 cannot mock ephemeral resources, so
 * modules with one plan against the real provider, whose every endpoint points here:
 * Secrets Manager's GetRandomPassword answers, any other call is refused, loudly.
 */
function startAwsStub() {
  const calls = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? `${request.method} ${request.url}`);
      calls.push(target);
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'secretsmanager.GetRandomPassword') {
        response.end(JSON.stringify({ RandomPassword: 'stub'.repeat(12) }));
      } else {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'UnsupportedOperation', message: `the offline AWS stub answers GetRandomPassword only, not ${target}` }));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, calls, url: `http://127.0.0.1:${server.address().port}` })));
}

/** Runs jobs with at most `width` at a time, in order of the list. */
async function pool(jobs, width) {
  const results = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

export async function main(argv) {
  const options = Object.fromEntries(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
  const root = path.resolve(argv.find((a) => !a.startsWith('--')) ?? '.');
  const out = path.resolve(options.out ?? path.join(root, 'target', 'terraform'));
  const providerVersion = options['aws-provider-version'];
  const started = Date.now();

  const terraform = await findTerraform();
  const exact = !providerVersion || /^\d+\.\d+\.\d+$/.test(providerVersion);
  const mirror = exact ? await findMirror(providerVersion) : { dir: null, looked: [`no mirror for a constraint (${providerVersion})`] };
  const source = mirror.dir
    ? `mirror ${mirror.dir} (hashicorp/aws ${providerVersion ?? mirror.versions.join(', ')})`
    : `registry.terraform.io (no mirror: looked in ${mirror.looked.join('; ') || 'TF_PLUGIN_DIR unset, /opt/tf-plugins absent'})`;
  console.log(`terraform ${terraform.version}; AWS provider from ${source}`);

  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const modulesOut = path.join(out, 'modules');
  await cp(path.join(root, 'modules'), modulesOut, { recursive: true, filter: COPIED });
  // The observability module's tests hold its alarms to the runbooks' sections, at the path
  // they have in the repository (../../docs/runbooks.md).
  await mkdir(path.join(out, 'docs'), { recursive: true });
  await cp(path.join(root, 'docs', 'runbooks.md'), path.join(out, 'docs', 'runbooks.md'));
  // The stack as deployed: the placeholders set, as README asks before the first apply.
  const settled = await settledCopy(root, path.join(out, 'settled'), modulesOut);
  const stub = await startAwsStub();
  const env = {
    ...process.env,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_SESSION_TOKEN: 'offline',
    AWS_ENDPOINT_URL: stub.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Terraform and the provider build the provider's schema, hundreds of MB of short-lived
    // objects, at every start: a lazier collector spends a fifth less CPU on a test run.
    GOGC: process.env.GOGC ?? '400',
  };
  delete env.AWS_PROFILE;
  if (env.TF_CLI_CONFIG_FILE && !(await exists(env.TF_CLI_CONFIG_FILE))) env.TF_CLI_CONFIG_FILE = '/dev/null';
  if (!mirror.dir) {
    env.TF_PLUGIN_CACHE_DIR = path.join(out, 'plugin-cache');
    await mkdir(env.TF_PLUGIN_CACHE_DIR, { recursive: true });
  }
  const versionOverride = providerVersion
    ? `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${exact ? `= ${providerVersion}` : providerVersion}"\n    }\n  }\n}\n`
    : null;

  /**
   * init, validate, test in dir: the first failing step, with its output, or null; and the
   * tests' summary. A committed lock is kept as it is, unless another provider version is
   * asked for (then the copy's lock goes: the version override decides).
   */
  async function steps(dir) {
    const lock = path.join(dir, '.terraform.lock.hcl');
    if (versionOverride) {
      await writeFile(path.join(dir, 'zz_provider_override.tf'), versionOverride);
      await rm(lock, { force: true });
    }
    const locked = !versionOverride && (await exists(lock));
    const init = ['init', '-backend=false', '-input=false', '-no-color', ...(locked ? ['-lockfile=readonly'] : []), ...(mirror.dir ? [`-plugin-dir=${mirror.dir}`] : [])];
    // `terraform test` validates the configuration before its first plan (a reference to an
    // undeclared variable fails it as `validate` would), so a root with tests is not
    // validated twice: each command loads the provider's schema, about 4 s of CPU.
    const tested = await exists(path.join(dir, 'tests'));
    const all = [init, tested ? ['test', '-no-color'] : ['validate', '-no-color']];
    let tests = '';
    for (const args of all) {
      const result = await run(terraform.binary, args, { cwd: dir, env });
      if (!result.ok) {
        let output = result.output;
        if (args[0] === 'init' && !mirror.dir) {
          output += `\nNo AWS provider could be had: no mirror (looked in ${mirror.looked.join('; ') || 'TF_PLUGIN_DIR unset, /opt/tf-plugins'}) and the registry failed.`;
        }
        return { failed: { step: args[0], output } };
      }
      if (args[0] === 'test') tests = /(\d+) passed, (\d+) failed/.exec(result.output)?.[0] ?? '';
    }
    return { failed: null, tests };
  }

  /** init, validate, test in dir; the first failing step's output is kept. */
  async function check(label, dir) {
    const t0 = Date.now();
    const { failed, tests } = await steps(dir);
    const seconds = (Date.now() - t0) / 1000;
    if (failed) return { label, ok: false, ...failed, seconds };
    return { label, ok: true, tests: tests || 'none', seconds };
  }

  /**
   * The stack in dir, with one placeholder left as shipped, must fail, and only because the
   * plan refuses it, with an error naming the input and the env.hcl to set it in.
   */
  async function checkRefused(label, dir, input) {
    const t0 = Date.now();
    const { failed } = await steps(dir);
    const seconds = (Date.now() - t0) / 1000;
    if (!failed) return { label, ok: false, step: 'test', output: `the plan passed with ${input} left at its placeholder: it must refuse it`, seconds };
    // Diagnostics: "Error: <summary>" and the lines up to the next one. Requests that
    // Terraform cancels once an error stops it are no errors of their own.
    const errors = failed.output.split(/^Error: /m).slice(1)
      .map((block) => ({ summary: block.split('\n')[0].trim(), text: block.replace(/\s+/g, ' ') }))
      .filter((error) => error.summary !== 'Request cancelled');
    const names = (error) => error.summary === 'Invalid value for variable' && error.text.includes(input) && /live\/(<env>|[a-z0-9]+)\/env\.hcl/.test(error.text);
    const other = errors.filter((error) => !names(error));
    if (errors.length === 0 || other.length) {
      const why = errors.length === other.length ? `no error names ${input} and the env.hcl to set it in` : `errors besides the refusal of ${input}: ${[...new Set(other.map((error) => error.summary))].join('; ')}`;
      return { label, ok: false, step: failed.step, output: `${why}\n\n${failed.output}`, seconds };
    }
    return { label, ok: true, summary: `refused at ${failed.step}, naming ${input}`, seconds };
  }

  const jobs = [];
  const labels = [];
  const modules = [];
  for (const entry of (await readdir(modulesOut, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || !(await exists(path.join(modulesOut, entry.name, 'versions.tf')))) continue;
    modules.push(entry.name);
    labels.push(`modules/${entry.name}`);
    const dir = path.join(modulesOut, entry.name);
    jobs.push(async () => {
      if (!(await exists(path.join(dir, 'tests')))) return { label: `modules/${entry.name}`, ok: false, step: 'test', output: 'no tests/ folder: every module has terraform tests', seconds: 0 };
      return check(`modules/${entry.name}`, dir);
    });
  }
  const environments = [];
  for (const entry of (await readdir(path.join(root, 'live'), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    environments.push(entry.name);
    labels.push(`live/${entry.name}`);
    const dir = path.join(out, 'live', entry.name);
    /** Writes the environment assembled from stackRoot into outDir, or returns why not. */
    const assemble = async (stackRoot, outDir) => {
      try {
        // As a teardown evaluates it: no IMAGE_TAG or any other deploy variable set.
        await assembleStack(stackRoot, entry.name, { outDir, moduleRoot: modulesOut });
        const stack = await assembleStack(stackRoot, entry.name, { outDir, moduleRoot: modulesOut, env: DEPLOY_ENV, mocks: path.join(modulesOut, '_test') });
        for (const [name, text] of Object.entries(stack.files)) {
          await mkdir(path.dirname(path.join(outDir, name)), { recursive: true });
          await writeFile(path.join(outDir, name), text);
        }
        return null;
      } catch (error) {
        if (!(error instanceof StackError)) throw error;
        return { ok: false, step: 'assemble', output: error.message, seconds: 0 };
      }
    };
    jobs.push(async () => {
      const label = `live/${entry.name}`;
      const failed = await assemble(settled, dir);
      return failed ? { label, ...failed } : check(label, dir);
    });
    // Each placeholder the environment ships, left alone with the others set.
    for (const placeholder of placeholdersOf(entry.name)) {
      const label = `live/${entry.name} (${placeholder.input} as shipped)`;
      labels.push(label);
      const copy = path.join(out, 'shipped', `${entry.name}-${placeholder.input}`);
      jobs.push(async () => {
        const stackRoot = await settledCopy(root, path.join(copy, 'root'), modulesOut, PLACEHOLDERS.filter((other) => other !== placeholder));
        const failed = await assemble(stackRoot, path.join(copy, 'stack'));
        return failed ? { label, ...failed } : checkRefused(label, path.join(copy, 'stack'), placeholder.input);
      });
    }
  }

  // Root configurations of tools (tools/localstack applies modules to LocalStack in the
  // GitHub workflow): validated here against the same copy of the modules.
  const roots = [];
  for (const tool of ['localstack']) {
    const source = path.join(root, 'tools', tool);
    if (!(await exists(path.join(source, 'main.tf')))) continue;
    const dir = path.join(out, 'tools', tool);
    await cp(source, dir, { recursive: true, filter: COPIED });
    roots.push(`tools/${tool}`);
    labels.push(`tools/${tool}`);
    jobs.push(() => check(`tools/${tool}`, dir));
  }
  if (options.only) {
    const wanted = options.only.split(',');
    const kept = labels.map((label, index) => [label, jobs[index]]).filter(([label]) => wanted.some((w) => label === w || label.startsWith(`${w}/`) || label.startsWith(`${w} (`)));
    jobs.splice(0, jobs.length, ...kept.map(([, job]) => job));
  }
  // The first init fills the plugin cache (registry) before the others run beside it.
  const width = Math.max(1, Math.min(Number(options.jobs ?? os.availableParallelism?.() ?? os.cpus().length), 4));
  const first = await pool(jobs.slice(0, 1), 1);
  const results = [...first, ...(await pool(jobs.slice(1), width))];
  stub.server.close();

  for (const result of results) {
    const line = `${result.ok ? 'ok    ' : 'FAILED'} ${result.label.padEnd(24)} ${result.ok ? (result.summary ?? (result.tests === 'none' ? 'validate' : `test ${result.tests}`)) : `at ${result.step}`} (${result.seconds.toFixed(1)} s)`;
    console.log(line);
    if (!result.ok) console.log(result.output.replace(/^/gm, '    '));
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`terraform: ${modules.length} modules, ${environments.length} environments (${environments.join(', ')}), ${roots.length} tool root(s); ` +
    `${results.length - failed} ok, ${failed} failed; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`terraform checks: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
