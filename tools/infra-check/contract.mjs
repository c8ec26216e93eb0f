// Contract checks between the stacks, the applications and the image, offline: the load
// balancer's target port is the API's; readiness paths match the applications' and the
// container checks liveness, which the applications serve; paths mounted for writing are
// image VOLUMEs; the image is assembled by the script the image test runs, from a base
// pinned by digest; and every module requires the AWS provider range README states.
// What the settings records and the units must agree on (the variables a unit may set,
// the key prefix, the body limit against the queue) is a plan test generated from the
// records' README tables, live/_checks/settings.tftest.hcl, which Terraform runs.
// (SERVER_PORT against the container port, and MANAGEMENT_SERVER_PORT against the
// liveness port, are preconditions of modules/service, checked by Terraform.)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { lineOf } from './files.mjs';

async function unit(root, name) {
  const file = path.join(root, 'live/_units', `${name}.hcl`);
  const text = await readFile(file, 'utf8');
  return { file: `live/_units/${name}.hcl`, text, json: await parse(file, text) };
}

/** The value of `key = "..."` in a file's text (a literal string attribute), or undefined. */
function literal(text, key) {
  return new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, 'm').exec(text)?.[1];
}

/** Checks the service units against the applications' sources and the image. */
export async function checkContract(root) {
  const findings = [];
  try {
    await readFile(path.join(root, 'README.md'), 'utf8');
  } catch {
    return findings;
  }
  const source = async (relative) => readFile(path.join(root, relative), 'utf8');
  const healthPath = (java) => { const m = /@GetMapping\(path = "([^"]+)"|\bHEALTH = "([^"]+)"/.exec(java); return m?.[1] ?? m?.[2]; };
  const services = {
    api: { health: healthPath(await source('functions/api/src/main/java/dev/pipeline/api/http/IngestEdge.java')), yaml: 'functions/api/src/main/resources/application.yaml' },
    worker: { health: healthPath(await source('functions/worker/src/main/java/dev/pipeline/worker/web/HealthController.java')), yaml: 'functions/worker/src/main/resources/application.yaml' },
  };
  const shared = await unit(root, 'service');
  const ports = {};
  for (const [name, service] of Object.entries(services)) {
    const u = await unit(root, name);
    const inputs = u.json.inputs ?? {};
    ports[name] = inputs.fargate?.container_port;
    if (shared.json.inputs?.health_check_path !== service.health) {
      findings.push({ file: shared.file, line: lineOf(shared.text, 'health_check_path'), rule: 'contract-health-path', message: `health_check_path ${shared.json.inputs?.health_check_path} is not the ${name}'s ${service.health}` });
    }
    // The container health check asks liveness: Boot serves it only with probes enabled.
    const yaml = await source(service.yaml);
    if (shared.json.inputs?.liveness_path !== '/actuator/health/liveness' || !/probes:\s*\n(?:\s*#.*\n)*\s*enabled: true/.test(yaml)) {
      findings.push({ file: shared.file, line: lineOf(shared.text, 'liveness_path'), rule: 'contract-liveness', message: `liveness_path must be /actuator/health/liveness, served by the ${name} (management.endpoint.health.probes.enabled in ${service.yaml})` });
    }
  }
  const alb = await unit(root, 'alb');
  if (alb.json.inputs?.target_port !== ports.api) {
    findings.push({ file: alb.file, line: lineOf(alb.text, 'target_port'), rule: 'contract-port', message: `target_port ${alb.json.inputs?.target_port} is not the API's port ${ports.api}` });
  }
  if (alb.json.inputs?.health_check_path !== services.api.health) {
    findings.push({ file: alb.file, line: lineOf(alb.text, 'health_check_path'), rule: 'contract-health-path', message: `health_check_path is not the API's ${services.api.health}` });
  }
  // A read-only root file system leaves only mounted paths writable, and ECS mounts a
  // root-owned 0755 folder unless the image declares the path a VOLUME (then ECS copies
  // the image's folder, modes included).
  const serviceModule = await source('modules/service/main.tf');
  const dockerfile = await source('functions/Dockerfile');
  const volumes = new Set([...dockerfile.matchAll(/^VOLUME\s+\[?([^\]\n]+)\]?/gm)].flatMap((m) => m[1].split(/[\s,]+/).map((v) => v.replace(/"/g, '')).filter(Boolean)));
  for (const match of serviceModule.matchAll(/containerPath\s*=\s*"([^"]+)"/g)) {
    if (!volumes.has(match[1])) {
      findings.push({ file: 'modules/service/main.tf', line: lineOf(serviceModule, match[0]), rule: 'contract-writable-mount', message: `${match[1]} is mounted for writing, but functions/Dockerfile declares no VOLUME ${match[1]}: ECS would mount it root-owned 0755 and user 10001 could not write` });
    }
  }
  // The image is what ImageAssemblyTests assembles: the Dockerfile runs the same script,
  // starts the same command, and pins its base image by digest.
  for (const step of ['extract', 'train', 'tmp']) {
    if (!new RegExp(`assemble\\.sh ${step}\\b`).test(dockerfile)) {
      findings.push({ file: 'functions/Dockerfile', line: 1, rule: 'contract-image-assembly', message: `the Dockerfile must run functions/image/assemble.sh ${step}, as the image test does` });
    }
  }
  if (!/^ENTRYPOINT \["\/app\/start"\]/m.test(dockerfile)) {
    findings.push({ file: 'functions/Dockerfile', line: lineOf(dockerfile, 'ENTRYPOINT'), rule: 'contract-image-assembly', message: 'the entrypoint must be /app/start, the start command assemble.sh writes' });
  }
  const bases = [...dockerfile.matchAll(/^(?:ARG BASE=|FROM )(\S+)/gm)].map((m) => m[1]).filter((image) => !image.startsWith('${') && !/^[a-z]+$/.test(image));
  for (const image of bases) {
    if (!/@sha256:[0-9a-f]{64}$/.test(image)) {
      findings.push({ file: 'functions/Dockerfile', line: lineOf(dockerfile, image), rule: 'contract-image-digest', message: `base image ${image} is not pinned by digest` });
    }
  }
  return findings;
}

/** Every module requires Terraform >= 1.11 and the AWS provider range README states. */
export const PROVIDER_RANGE = '>= 5.100, < 7.0';

/** Whether a version (1.2.3) meets a constraint of comparisons (">= 5.100, < 7.0"). */
export function satisfies(version, constraint) {
  const parts = (text) => text.split('.').map(Number);
  const compare = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const tests = { '>=': (c) => c >= 0, '>': (c) => c > 0, '<=': (c) => c <= 0, '<': (c) => c < 0, '=': (c) => c === 0 };
  return constraint.split(',').every((term) => {
    const [, operator = '=', bound] = /^\s*(>=|<=|>|<|=)?\s*([\d.]+)\s*$/.exec(term) ?? [];
    return bound !== undefined && tests[operator](compare(parts(version), parts(bound)));
  });
}

/**
 * The root modules: every module (its versions.tf) and every tool that is a root of its
 * own (tools/localstack: its .tf files). Each requires the same AWS provider range and
 * commits a lock file within it, so that every init resolves the tested provider.
 */
async function roots(root) {
  const { readdir } = await import('node:fs/promises');
  const found = [];
  const dirs = async (parent) => (await readdir(path.join(root, parent), { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'));
  for (const entry of await dirs('modules')) found.push({ dir: `modules/${entry.name}`, files: ['versions.tf'] });
  for (const entry of await dirs('tools')) {
    const files = (await readdir(path.join(root, 'tools', entry.name))).filter((name) => name.endsWith('.tf')).sort();
    if (files.length) found.push({ dir: `tools/${entry.name}`, files });
  }
  return found;
}

/** The file of a root that holds its terraform block, with its text and that block. */
async function terraformBlock(root, dir, files) {
  for (const name of files) {
    const file = `${dir}/${name}`;
    let text;
    try {
      text = await source(root, file);
    } catch {
      continue;
    }
    const block = (await parse(file, text)).terraform?.[0];
    if (block) return { file, text, block };
  }
  return null;
}

export async function checkProviderRange(root) {
  const findings = [];
  for (const { dir, files } of await roots(root)) {
    const found = await terraformBlock(root, dir, files);
    if (!found) {
      findings.push({ file: `${dir}/${files[0]}`, line: 1, rule: 'tf-provider-range', message: `no terraform block (required_version, required_providers) in ${files.join(', ')}` });
      continue;
    }
    const { file, text, block } = found;
    const providers = block.required_providers?.[0] ?? {};
    if (providers.aws?.version !== PROVIDER_RANGE || providers.aws?.source !== 'hashicorp/aws') {
      findings.push({ file, line: lineOf(text, 'version'), rule: 'tf-provider-range', message: `hashicorp/aws must be required as "${PROVIDER_RANGE}" (the mirror's 5.100 and current 6.x), not "${providers.aws?.version}"` });
    }
    const others = Object.keys(providers).filter((name) => name !== 'aws');
    if (others.length) findings.push({ file, line: lineOf(text, others[0]), rule: 'tf-provider-range', message: `only the AWS provider is used; ${others.join(', ')} is not` });
    if (block.required_version !== '>= 1.11') {
      findings.push({ file, line: lineOf(text, 'required_version'), rule: 'tf-provider-range', message: 'required_version must be ">= 1.11" (write-only attributes, ephemeral resources)' });
    }
    findings.push(...(await checkLock(root, dir)));
  }
  return findings;
}

/** The root's .terraform.lock.hcl locks hashicorp/aws, with hashes, at a version in range. */
async function checkLock(root, dir) {
  const file = `${dir}/.terraform.lock.hcl`;
  const finding = (message, line = 1) => [{ file, line, rule: 'tf-lock-file', message }];
  let text;
  try {
    text = await source(root, file);
  } catch {
    return finding(`no lock file: commit the one \`terraform providers lock -platform=linux_amd64 hashicorp/aws\` writes in ${dir}`);
  }
  const aws = (await parse(file, text)).provider?.['registry.terraform.io/hashicorp/aws']?.[0];
  if (!aws) return finding('the lock file does not lock registry.terraform.io/hashicorp/aws');
  if (!satisfies(String(aws.version), PROVIDER_RANGE)) return finding(`hashicorp/aws is locked at ${aws.version}, outside "${PROVIDER_RANGE}"`, lineOf(text, 'version'));
  if (!Array.isArray(aws.hashes) || aws.hashes.length === 0) return finding('the lock of hashicorp/aws records no hashes', lineOf(text, 'hashes'));
  return [];
}

async function source(root, relative) {
  return readFile(path.join(root, relative), 'utf8');
}
