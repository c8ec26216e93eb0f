// Contract checks between the stacks and the applications, offline: the task definitions'
// environment names are settings README documents for that service; container ports match
// SERVER_PORT and the load balancer's target port; health paths match the applications';
// the worker's S3 permission is scoped to the object-key prefix the applications use.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

function lineOf(text, needle) {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

/** The setting names of README's table under a bold heading (**API** or **Worker**). */
export function documentedSettings(readme, heading) {
  const start = readme.indexOf(`**${heading}**`);
  if (start < 0) return new Set();
  const names = new Set();
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (line.startsWith('**')) break;
    const match = /^\| `([A-Z0-9_]+)` \|/.exec(line);
    if (match) names.add(match[1]);
  }
  return names;
}

async function unit(root, name) {
  const file = path.join(root, 'live/_units', `${name}.hcl`);
  const text = await readFile(file, 'utf8');
  return { file: `live/_units/${name}.hcl`, text, json: await parse(file, text) };
}

/** Checks the api, worker and alb units against README and the applications' sources. */
export async function checkContract(root) {
  const findings = [];
  let readme;
  try {
    readme = await readFile(path.join(root, 'README.md'), 'utf8');
  } catch {
    return findings;
  }
  const source = async (relative) => readFile(path.join(root, relative), 'utf8');
  const healthPath = (java) => /@GetMapping\(path = "([^"]+)"/.exec(java)?.[1];
  const services = {
    api: { heading: 'API', health: healthPath(await source('functions/api/src/main/java/dev/pipeline/api/web/HealthController.java')) },
    worker: { heading: 'Worker', health: healthPath(await source('functions/worker/src/main/java/dev/pipeline/worker/web/HealthController.java')) },
  };
  const defaultPrefix = /DEFAULT_PREFIX = "([^"]*)"/.exec(await source('functions/core/src/main/java/dev/pipeline/core/ObjectKeys.java'))?.[1];
  const ports = {};
  for (const [name, service] of Object.entries(services)) {
    const u = await unit(root, name);
    const inputs = u.json.inputs ?? {};
    const documented = documentedSettings(readme, service.heading);
    for (const key of Object.keys(inputs.environment ?? {})) {
      if (!documented.has(key)) findings.push({ file: u.file, line: lineOf(u.text, `${key} `), rule: 'contract-env-name', message: `${key} is not a ${service.heading} setting in README` });
    }
    ports[name] = inputs.container_port;
    if (String(inputs.environment?.SERVER_PORT) !== String(inputs.container_port)) {
      findings.push({ file: u.file, line: lineOf(u.text, 'container_port'), rule: 'contract-port', message: `container_port ${inputs.container_port} differs from SERVER_PORT ${inputs.environment?.SERVER_PORT}` });
    }
    if (inputs.health_check_path !== service.health) {
      findings.push({ file: u.file, line: lineOf(u.text, 'health_check_path'), rule: 'contract-health-path', message: `health_check_path ${inputs.health_check_path} is not the application's ${service.health}` });
    }
  }
  const alb = await unit(root, 'alb');
  if (alb.json.inputs?.target_port !== ports.api) {
    findings.push({ file: alb.file, line: lineOf(alb.text, 'target_port'), rule: 'contract-port', message: `target_port ${alb.json.inputs?.target_port} is not the API's port ${ports.api}` });
  }
  if (alb.json.inputs?.health_check_path !== services.api.health) {
    findings.push({ file: alb.file, line: lineOf(alb.text, 'health_check_path'), rule: 'contract-health-path', message: `health_check_path is not the API's ${services.api.health}` });
  }
  const worker = await unit(root, 'worker');
  const prefix = (worker.json.locals?.[0] ?? worker.json.locals ?? {}).key_prefix;
  const environment = worker.json.inputs?.environment ?? {};
  const scoped = worker.text.includes('${dependency.archive_bucket.outputs.bucket_arn}/${local.key_prefix}*');
  if (prefix !== defaultPrefix || environment.PERSIST_KEY_PREFIX !== '${local.key_prefix}' || !scoped) {
    findings.push({ file: worker.file, line: lineOf(worker.text, 'key_prefix'), rule: 'contract-s3-prefix', message: `the worker's S3 permission and PERSIST_KEY_PREFIX must both use the key prefix "${defaultPrefix}"` });
  }
  const api = await unit(root, 'api');
  if (api.json.inputs?.environment?.INGEST_KEY_PREFIX !== defaultPrefix) {
    findings.push({ file: api.file, line: lineOf(api.text, 'INGEST_KEY_PREFIX'), rule: 'contract-s3-prefix', message: `INGEST_KEY_PREFIX must be the worker's prefix "${defaultPrefix}"` });
  }
  return findings;
}
