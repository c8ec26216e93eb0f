// The pipeline on what was applied: the services started with the configuration the AWS
// API holds for them (an ECS task definition's container environment, or a Lambda
// function's configuration and event source mapping), each with the credentials of its own
// role, then requests through the API that must become objects at the returned keys.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { awsEnv, freePort, probe } from './aws.mjs';
import { bootJar, lambdaJar } from './delivery.mjs';

/** A started service: where it answers and how to stop it. */
function start(command, args, env, label) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = `${output}${chunk}`.slice(-50_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    label,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code, signal) => resolve(code ?? signal));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 40_000).unref();
      }),
  };
}

async function waitFor(url, service, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`${service.label} exited (${service.child.exitCode}):\n${service.output().slice(-4000)}`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (answer.status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${service.label} not ready at ${url} after ${seconds} s:\n${service.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts one service of the environment on its runtime; resolves once it is ready. */
async function startService({ root, out, url, region, environment, service, outputs, credentials }) {
  const unit = outputs[`live/${environment}/${service}`];
  const base = awsEnv(url, region, credentials);
  if (unit.runtime === 'fargate') {
    const cluster = outputs[`live/${environment}/cluster`].cluster_name;
    const task = await probe(root, awsEnv(url, region), 'task-environment', { cluster, service: unit.service_name });
    const container = task.containers[0];
    const env = { ...base, ...container.environment };
    const started = start('java', ['-jar', bootJar(root, service)], env, `${service} (task definition ${task.taskDefinition.split('/').at(-1)})`);
    const port = container.environment.SERVER_PORT;
    await waitFor(`http://127.0.0.1:${port}/health`, started);
    return { ...started, baseUrl: `http://127.0.0.1:${port}`, settings: Object.keys(container.environment) };
  }
  const configuration = await probe(root, awsEnv(url, region), 'function-configuration', { function: unit.function_name, qualifier: 'live' });
  const file = path.join(out, `${unit.function_name}.json`);
  await writeFile(file, JSON.stringify(configuration));
  const port = await freePort();
  const env = { ...base, LOCAL_LAMBDA_PORT: String(port), LOCAL_LAMBDA_TARGET_GROUP_ARN: outputs[`live/${environment}/alb`].target_group_arn ?? '' };
  // moto polls an enabled mapping itself and, unable to invoke the function, returns every
  // message to the queue until it reaches the dead-letter queue: the rehearsal's poller
  // stands in for it while it is disabled, and it is enabled again afterwards.
  const mapping = configuration.EventSourceMapping?.UUID;
  if (mapping) await probe(root, awsEnv(url, region), 'set-mapping', { uuid: mapping, enabled: 'false' });
  const restore = mapping ? () => probe(root, awsEnv(url, region), 'set-mapping', { uuid: mapping, enabled: 'true' }) : async () => {};
  const started = start('bash', [path.join(root, 'tools', 'lambda', 'local-lambda.sh'), lambdaJar(root, service), file], env, `${service} (function ${unit.function_name}:${configuration.Version})`);
  const stop = started.stop;
  started.stop = async () => {
    const code = await stop();
    await restore();
    return code;
  };
  await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`${started.label} not ready after 120 s:\n${started.output().slice(-4000)}`)), 120_000);
    const look = setInterval(() => {
      if (/local-lambda: ready/.test(started.output()) || started.child.exitCode !== null) {
        clearInterval(look);
        clearTimeout(deadline);
        if (started.child.exitCode !== null) reject(new Error(`${started.label} exited:\n${started.output().slice(-4000)}`));
        else resolve();
      }
    }, 200);
  });
  return { ...started, baseUrl: `http://127.0.0.1:${port}`, settings: Object.keys(configuration.Environment?.Variables ?? {}) };
}

/** Sends count requests (the seed's two first) with the given concurrency; the accepted ones. */
async function ingest(baseUrl, token, count, concurrency = 8) {
  const seeds = [
    { email_timestream: 1764201600, hello: 'world' },
    { email_subject: 'Hello', email_sender: 'sender@example.com', email_timestream: '1764201600', email_content: 'Hi there' },
  ];
  const accepted = [];
  const refused = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const data = seeds[index] ?? { email_timestream: 1764201600 + index, n: index, text: `message ${index} ✓` };
      const answer = await fetch(`${baseUrl}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, data }) });
      const body = await answer.json().catch(() => ({}));
      if (answer.status === 202) accepted.push({ key: body.key, messageId: body.messageId, body: JSON.stringify(data) });
      else refused.push(answer.status);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, refused };
}

/**
 * Runs the environment's pipeline: both services, `count` requests, every object checked at
 * its key, both queues empty at the end. `roles` are the services' role credentials.
 */
export async function runPipeline({ root, out, url, region, environment, outputs, roles, count, log }) {
  const t0 = Date.now();
  const services = [];
  try {
    for (const service of ['worker', 'api']) {
      services.push(await startService({ root, out, url, region, environment, service, outputs, credentials: roles[service] }));
    }
    const api = services[1];
    const token = (await probe(root, awsEnv(url, region), 'token', { name: outputs[`live/${environment}/token`].parameter_name })).value;
    const health = await fetch(`${api.baseUrl}/health`);
    const wrong = await fetch(`${api.baseUrl}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wrong', data: { email_timestream: 1 } }) });
    const { accepted, refused } = await ingest(api.baseUrl, token, count);
    const expect = path.join(out, `expected-${environment}.json`);
    await writeFile(expect, JSON.stringify(Object.fromEntries(accepted.map((item) => [item.key, item]))));
    const bucket = outputs[`live/${environment}/archive-bucket`].bucket_name;
    const objects = await probe(root, awsEnv(url, region), 'check-objects', { bucket, expect, timeout: 120 });
    const queue = outputs[`live/${environment}/queue`];
    const depth = await probe(root, awsEnv(url, region), 'queue-depth', { name: queue.queue_name });
    const dead = await probe(root, awsEnv(url, region), 'queue-depth', { name: queue.dead_letter_queue_name });
    const problems = [];
    if (health.status !== 200) problems.push(`GET /health answered ${health.status}`);
    if (wrong.status !== 401) problems.push(`a wrong token got ${wrong.status}, not 401`);
    if (refused.length) problems.push(`${refused.length} requests refused (${[...new Set(refused)].join(', ')})`);
    if (objects.missing.length || objects.mismatched.length || objects.unexpected.length) {
      problems.push(`objects: ${objects.missing.length} missing, ${objects.mismatched.length} not byte-equal, ${objects.unexpected.length} at keys no client was given`);
    }
    if (depth.visible + depth.inFlight + dead.visible + dead.inFlight) problems.push(`queue not empty: ${JSON.stringify(depth)}, dead-letter queue ${JSON.stringify(dead)}`);
    log(
      `pipeline ${environment}: ${services.map((s) => s.label).join(', ')}; ${accepted.length}/${count} accepted, ${objects.stored} objects byte-equal at their keys, ` +
        `queue ${depth.visible + depth.inFlight}, dead-letter ${dead.visible + dead.inFlight} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    if (problems.length) throw new Error(`pipeline ${environment}: ${problems.join('; ')}`);
    return { accepted: accepted.length, stored: objects.stored, settings: Object.fromEntries(services.map((s) => [s.label.split(' ')[0], s.settings])) };
  } finally {
    // The API first, then the worker, as a deploy stops them.
    for (const service of services.reverse()) {
      const code = await service.stop();
      if (code !== 0 && code !== 143 && code !== 'SIGTERM') log(`pipeline ${environment}: ${service.label} stopped with ${code}:\n${service.output().slice(-2000)}`);
    }
  }
}
