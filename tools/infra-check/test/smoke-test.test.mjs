// tools/smoke-test.sh against a stub of the API and of S3 on loopback (the object read by
// the real AWS CLI). The API is called by a made-up name that resolves nowhere, as a
// domain whose DNS record is not set: SMOKE_CONNECT_TO sends every request to the stub
// while the request still names the domain (curl's --connect-to; over HTTPS, TLS checks
// the certificate for that name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../smoke-test.sh');
const DOMAIN = 'api.smoke-stub.test';
const BUCKET = 'ingest-pipeline-prod-archive';
const TOKEN = 'stub-token-0123456789';

/** The API (/health, POST /ingest) and S3 (GET /<bucket>/<key>) on one loopback port; records calls. */
async function stub() {
  const calls = [];
  const objects = new Map();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      calls.push({ method: request.method, path: request.url.split('?')[0], host: request.headers.host });
      if (request.method === 'GET' && request.url === '/health') {
        response.setHeader('content-type', 'application/json');
        return response.end('{"status":"UP"}');
      }
      if (request.method === 'POST' && request.url === '/ingest') {
        const { token, data } = JSON.parse(body);
        if (token !== TOKEN) {
          response.statusCode = 401;
          return response.end('{"title":"Unauthorized"}');
        }
        const key = `emails/2026/11/20/${calls.length}.json`;
        objects.set(`/${BUCKET}/${key}`, JSON.stringify(data));
        response.statusCode = 202;
        response.setHeader('content-type', 'application/json');
        return response.end(JSON.stringify({ key, messageId: `message-${calls.length}` }));
      }
      const object = request.method === 'GET' && objects.get(decodeURIComponent(request.url.split('?')[0]));
      if (object) {
        response.setHeader('content-type', 'application/json');
        response.setHeader('content-length', Buffer.byteLength(object));
        response.setHeader('etag', '"stub"');
        return response.end(object);
      }
      response.statusCode = 404;
      response.setHeader('content-type', 'application/xml');
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { calls, port: server.address().port, close: () => server.close() };
}

async function smoke(env) {
  const server = await stub();
  try {
    const result = await new Promise((resolve) => {
      execFile('bash', [SCRIPT, `http://${DOMAIN}:${server.port}`], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'stub',
          AWS_SECRET_ACCESS_KEY: 'stub',
          AWS_DEFAULT_REGION: 'eu-west-1',
          AWS_REGION: 'eu-west-1',
          SMOKE_TOKEN: TOKEN,
          SMOKE_BUCKET: BUCKET,
          SMOKE_S3_ENDPOINT: `http://127.0.0.1:${server.port}`,
          // Bounded, so that a request that never reaches the stub fails, not hangs.
          SMOKE_TIMEOUT: '3',
          ...env(server.port),
        },
      }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}` }));
    });
    return { ...result, calls: server.calls, port: server.port };
  } finally {
    server.close();
  }
}

test('SMOKE_CONNECT_TO sends every request to the load balancer, under the domain name', async () => {
  const result = await smoke((port) => ({ SMOKE_CONNECT_TO: `${DOMAIN}:${port}:127.0.0.1:${port}` }));
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /smoke-test: OK: s3:\/\/ingest-pipeline-prod-archive\/emails\/2026\/11\/20\/\d+\.json holds the data sent/);
  const api = result.calls.filter((call) => call.path === '/health' || call.path === '/ingest');
  assert.deepEqual(api.map((call) => `${call.method} ${call.path}`), ['GET /health', 'POST /ingest']);
  // Each request names the domain, not the address it went to.
  assert.deepEqual(api.map((call) => call.host), [`${DOMAIN}:${result.port}`, `${DOMAIN}:${result.port}`]);
});

test('without SMOKE_CONNECT_TO, a domain that resolves nowhere fails the smoke test', async () => {
  const result = await smoke(() => ({}));
  assert.notEqual(result.code, 0, result.output);
  assert.match(result.output, /smoke-test: FAIL: http:\/\/api\.smoke-stub\.test:\d+\/health did not answer 200 within 3s/);
  assert.deepEqual(result.calls, []);
});
