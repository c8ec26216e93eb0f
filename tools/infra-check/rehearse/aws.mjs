// The AWS API the rehearsal deploys to: moto's server on loopback, started with the
// project's patches for its known gaps and its call recorder (tools/rehearse/moto), and
// boto3 through tools/rehearse/probe.py for what the rehearsal itself asks of it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { run } from './units.mjs';

export const ACCOUNT = '123456789012';

/** A free port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto on a free loopback port. `settings` are moto's own environment switches
 * (MOTO_ECS_SERVICE_RUNNING, ...). Resolves once it answers.
 */
export async function startMoto({ repo, record, settings = {}, log }) {
  const port = await freePort();
  const launcher = path.join(repo, 'tools', 'rehearse', 'moto', 'launcher.py');
  const python = process.env.PYTHON ?? 'python3';
  // REHEARSAL_MOTO: another script taking moto_server's arguments (trying a moto build).
  const plain = process.env.REHEARSAL_MOTO ? [process.env.REHEARSAL_MOTO] : ['-m', 'moto.server'];
  const args = existsSync(launcher) ? [launcher, '--port', String(port), '--record', record] : [...plain, '-H', '127.0.0.1', '-p', String(port)];
  const child = spawn(python, args, { env: { ...process.env, ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output = `${output}${chunk}`.slice(-20000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited at start (${child.exitCode}):\n${output}`);
    try {
      const answer = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (answer.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto did not answer on ${url} within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log?.(`moto: ${url} (${existsSync(launcher) ? 'patched, recording calls' : 'unpatched, no call record'})`);
  return {
    url,
    port,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The process environment of an AWS client of the given credentials against the API. */
export function awsEnv(url, region, credentials = { AWS_ACCESS_KEY_ID: 'rehearsal-admin', AWS_SECRET_ACCESS_KEY: 'rehearsal' }) {
  const env = { ...process.env, AWS_ENDPOINT_URL: url, AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_EC2_METADATA_DISABLED: 'true', ...credentials };
  if (!credentials.AWS_SESSION_TOKEN) delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  return env;
}

/** tools/rehearse/probe.py COMMAND ARGS against the API: its JSON answer. */
export async function probe(repo, env, command, args = {}) {
  const argv = [path.join(repo, 'tools', 'rehearse', 'probe.py'), command];
  for (const [name, value] of Object.entries(args)) argv.push(`--${name}`, String(value));
  const result = await run(process.env.PYTHON ?? 'python3', argv, { env });
  if (!result.ok) throw new Error(`probe.py ${command} failed: ${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(result.stdout);
}
