// tools/deploy-verify.sh against a stub of the ECS API on loopback, spoken to by the real
// AWS CLI: a completed deployment passes; a rolled-back one fails the pipeline, whether the
// rollback is under way or finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy-verify.sh');
const CLUSTER = 'ingest-pipeline-dev';
const SERVICE = 'ingest-pipeline-dev-api';
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/ingest-pipeline-dev-api:6';
const NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/ingest-pipeline-dev-api:7';

function deployment(status, taskDefinition, rolloutState, extra = {}) {
  return { id: `ecs-svc/${Math.random().toString().slice(2, 12)}`, status, taskDefinition, rolloutState, desiredCount: 2, runningCount: 2, ...extra };
}

function service(taskDefinition, deployments) {
  return { services: [{ serviceName: SERVICE, clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${CLUSTER}`, taskDefinition, deployments }], failures: [] };
}

/** Serves the given DescribeServices answers in turn (the last one repeats); records calls. */
async function stub(answers) {
  const calls = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      calls.push({ target: request.headers['x-amz-target'], body: JSON.parse(body || '{}') });
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      response.end(JSON.stringify(answers[Math.min(calls.length - 1, answers.length - 1)]));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { calls, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function verify(answers, env = {}) {
  const ecs = await stub(answers);
  try {
    const result = await new Promise((resolve) => {
      execFile('bash', [SCRIPT, CLUSTER, SERVICE, NEW], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'stub',
          AWS_SECRET_ACCESS_KEY: 'stub',
          AWS_DEFAULT_REGION: 'eu-west-1',
          AWS_REGION: 'eu-west-1',
          DEPLOY_ECS_ENDPOINT: ecs.url,
          DEPLOY_INTERVAL: '0',
          // Bounded, so that a script that stops recognising a final state fails, not hangs.
          DEPLOY_TIMEOUT: '60',
          ...env,
        },
      }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}` }));
    });
    return { ...result, calls: ecs.calls };
  } finally {
    ecs.close();
  }
}

test('a completed deployment of the new revision passes', async () => {
  const result = await verify([service(NEW, [deployment('PRIMARY', NEW, 'COMPLETED')])]);
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /OK: ingest-pipeline-dev-api runs .*:7 \(2\/2 tasks, deployment completed\)/);
  assert.equal(result.calls[0].target, 'AmazonEC2ContainerServiceV20141113.DescribeServices');
  assert.deepEqual(result.calls[0].body, { cluster: CLUSTER, services: [SERVICE] });
});

test('a deployment in progress is awaited until it completes', async () => {
  const result = await verify([
    service(NEW, [deployment('PRIMARY', NEW, 'IN_PROGRESS', { runningCount: 0 }), deployment('ACTIVE', OLD, 'COMPLETED')]),
    service(NEW, [deployment('PRIMARY', NEW, 'IN_PROGRESS', { runningCount: 1 }), deployment('ACTIVE', OLD, 'COMPLETED')]),
    service(NEW, [deployment('PRIMARY', NEW, 'COMPLETED')]),
  ]);
  assert.equal(result.code, 0, result.output);
  assert.equal(result.calls.length, 3);
});

test('a rollback under way fails the pipeline', async () => {
  const result = await verify([
    service(OLD, [
      deployment('PRIMARY', OLD, 'IN_PROGRESS'),
      deployment('ACTIVE', NEW, 'FAILED', { rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }),
    ]),
  ]);
  assert.equal(result.code, 1);
  assert.match(result.output, /FAIL: ingest-pipeline-dev-api: the deployment of .*:7 failed and was rolled back: ECS deployment circuit breaker/);
});

test('a finished rollback, steady on the old revision, fails the pipeline', async () => {
  // What Terraform's wait_for_steady_state reports as success.
  const result = await verify([service(OLD, [deployment('PRIMARY', OLD, 'COMPLETED')])]);
  assert.equal(result.code, 1);
  assert.match(result.output, /runs .*:6 \(primary deployment: .*:6\), not .*:7: rolled back or replaced/);
});

test('a deployment that never completes fails after the timeout', async () => {
  const result = await verify([service(NEW, [deployment('PRIMARY', NEW, 'IN_PROGRESS', { runningCount: 0 })])], { DEPLOY_TIMEOUT: '0' });
  assert.equal(result.code, 1);
  assert.match(result.output, /still IN_PROGRESS after 0s/);
});

test('a service that does not exist fails with the API\'s answer', async () => {
  const result = await verify([{ services: [], failures: [{ arn: `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/${SERVICE}`, reason: 'MISSING' }] }]);
  assert.equal(result.code, 1);
  assert.match(result.output, /no such service in ingest-pipeline-dev: .*MISSING/);
});
