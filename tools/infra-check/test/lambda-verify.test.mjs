// tools/lambda-verify.sh against a stub of the Lambda API on loopback, spoken to by the real
// AWS CLI: the live alias on the new active version passes; an alias left behind or a
// failed version fails the pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lambda-verify.sh');
const FUNCTION = 'ingest-pipeline-dev-api';

/** Answers GetAlias with the alias version and GetFunctionConfiguration with the states in turn. */
async function stub(aliasVersion, states) {
  const calls = [];
  let configurations = 0;
  const server = http.createServer((request, response) => {
    calls.push(`${request.method} ${request.url}`);
    response.setHeader('content-type', 'application/json');
    if (request.url.includes('/aliases/live')) {
      response.end(JSON.stringify({ Name: 'live', FunctionVersion: aliasVersion }));
      return;
    }
    const [State, LastUpdateStatus, reason] = states[Math.min(configurations++, states.length - 1)];
    response.end(JSON.stringify({ FunctionName: FUNCTION, Version: '7', State, LastUpdateStatus, StateReason: reason }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { calls, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function verify(aliasVersion, states) {
  const lambda = await stub(aliasVersion, states);
  try {
    const result = await new Promise((resolve) => {
      execFile('bash', [SCRIPT, FUNCTION, '7'], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'stub',
          AWS_SECRET_ACCESS_KEY: 'stub',
          AWS_DEFAULT_REGION: 'eu-west-1',
          AWS_REGION: 'eu-west-1',
          DEPLOY_LAMBDA_ENDPOINT: lambda.url,
          DEPLOY_INTERVAL: '0',
          DEPLOY_TIMEOUT: '60',
        },
      }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}` }));
    });
    return { ...result, calls: lambda.calls };
  } finally {
    lambda.close();
  }
}

test('the live alias on the new active version passes', async () => {
  const result = await verify('7', [['Active', 'Successful']]);
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /OK: ingest-pipeline-dev-api:live runs version 7/);
  assert.match(result.calls[0], /^GET \/2015-03-31\/functions\/ingest-pipeline-dev-api\/aliases\/live/);
  assert.match(result.calls[1], /configuration\?Qualifier=7/);
});

test('a version still pending is awaited', async () => {
  const result = await verify('7', [['Pending', 'InProgress'], ['Active', 'InProgress'], ['Active', 'Successful']]);
  assert.equal(result.code, 0, result.output);
  assert.equal(result.calls.length, 4);
});

test('an alias left on the old version fails', async () => {
  const result = await verify('6', [['Active', 'Successful']]);
  assert.notEqual(result.code, 0);
  assert.match(result.output, /live alias points at version 6, not 7/);
});

test('a failed version fails with its reason', async () => {
  const result = await verify('7', [['Failed', 'Failed', 'Init error: class not found']]);
  assert.notEqual(result.code, 0);
  assert.match(result.output, /version 7 failed: Init error: class not found/);
});
