import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateCalls, formatReport } from '../permissions.mjs';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/app-dev-deploy`;
const WORKER = `arn:aws:iam::${ACCOUNT}:role/app-dev-worker`;
const API = `arn:aws:iam::${ACCOUNT}:role/app-dev-api`;
const BUCKET = 'arn:aws:s3:::app-dev-archive';
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:app-dev-api`;
const MAPPING = `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:5b3c2a10-0d4e-4f5a-9c1b-1234567890ab`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b0c0d0e-1111-2222-3333-444455556666`;
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/app-dev-task`;

const allow = (Action, Resource, Condition) => ({ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const doc = (...Statement) => ({ Version: '2012-10-17', Statement });
const role = (arn, ...statements) => ({ [arn]: { name: arn.split('/').pop(), trust: doc(), policies: [{ name: 'inline', document: doc(...statements) }], boundary: null } });

/** One recorded call as the moto recorder writes it. */
function call(principal, action, resources, more = {}) {
  const [service, operation] = action.split(':');
  return {
    time: '2026-11-27T10:00:00Z', key: 'AKIAEXAMPLE', principal, region: REGION, service, operation, action, resources,
    context: { 'aws:SecureTransport': 'false' }, params: {}, status: 200, error: null, implied_by: null, ...more,
  };
}

function evaluate(calls, roles, resources = {}) {
  const account = { roles: Object.assign({}, ...roles), resources };
  return evaluateCalls({ calls, account, roles: roles.map((r) => Object.keys(r)[0]), region: REGION, accountId: ACCOUNT });
}

const deniedTuples = (result) => result.denied.map((d) => [d.role, d.action, d.resource]);

test('a grant on the function does not cover lambda:ListTags on an event source mapping', async () => {
  const result = await evaluate([call(DEPLOY, 'lambda:ListTags', [MAPPING])], [role(DEPLOY, allow('lambda:ListTags', FUNCTION))]);
  assert.deepEqual(deniedTuples(result), [[DEPLOY, 'lambda:ListTags', MAPPING]]);
  assert.match(result.denied[0].reason, /no identity policy statement allows it/);
  assert.deepEqual(result.errors, []);
  const report = formatReport(result);
  assert.match(report, /permissions: app-dev-deploy: 1 calls, 1 distinct, 1 denied/);
  assert.ok(report.includes(`DENIED app-dev-deploy lambda:ListTags on ${MAPPING}`), report);
});

test('the same call passes once the mapping is granted', async () => {
  const result = await evaluate([call(DEPLOY, 'lambda:ListTags', [MAPPING])], [role(DEPLOY, allow('lambda:ListTags', [FUNCTION, MAPPING]))]);
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.perRole[DEPLOY], { calls: 1, distinct: 1, denied: 0 });
});

test('the worker may put under emails/ only', async () => {
  const worker = role(WORKER, allow('s3:PutObject', `${BUCKET}/emails/*`));
  const result = await evaluate([
    call(WORKER, 's3:PutObject', [`${BUCKET}/emails/2026/11/27/x.json`]),
    call(WORKER, 's3:PutObject', [`${BUCKET}/other/x`]),
  ], [worker]);
  assert.deepEqual(deniedTuples(result), [[WORKER, 's3:PutObject', `${BUCKET}/other/x`]]);
});

test('a TLS-only bucket policy does not deny: AWS endpoints are HTTPS, moto on loopback is not', async () => {
  const tlsOnly = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  const put = call(WORKER, 's3:PutObject', [`${BUCKET}/emails/x.json`]);
  assert.equal(put.context['aws:SecureTransport'], 'false', 'fixture: the recorder saw plain HTTP');
  const result = await evaluate([put], [role(WORKER, allow('s3:PutObject', `${BUCKET}/*`))], { [BUCKET]: { kind: 'bucket', policy: doc(tlsOnly) } });
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.errors, []);
});

test('a bucket policy denying puts to all but the worker denies the others', async () => {
  const onlyWorker = { Sid: 'OnlyWorkerWrites', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${BUCKET}/*`, Condition: { ArnNotEquals: { 'aws:PrincipalArn': WORKER } } };
  const key = `${BUCKET}/emails/x.json`;
  const result = await evaluate([call(WORKER, 's3:PutObject', [key]), call(API, 's3:PutObject', [key])], [
    role(WORKER, allow('s3:PutObject', `${BUCKET}/*`)),
    role(API, allow('s3:PutObject', `${BUCKET}/*`)),
  ], { [BUCKET]: { kind: 'bucket', policy: JSON.stringify(doc(onlyWorker)) } });
  assert.deepEqual(deniedTuples(result), [[API, 's3:PutObject', key]]);
  assert.match(result.denied[0].reason, new RegExp(`explicit Deny in the bucket policy of ${BUCKET}, statement OnlyWorkerWrites`));
});

const decryptViaSsm = allow('kms:Decrypt', KEY, { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } });
const decryptCall = () => call(API, 'kms:Decrypt', [KEY], { operation: 'Decrypt', implied_by: 'GetParameter', context: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } });
const keyAdmin = { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app-dev-admin` }, Action: 'kms:*', Resource: '*' };

test('kms:Decrypt through SSM passes when the key policy delegates to IAM (the account root)', async () => {
  const root = { Sid: 'EnableIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
  const result = await evaluate([decryptCall()], [role(API, decryptViaSsm)], { [KEY]: { kind: 'key', policy: doc(keyAdmin, root) } });
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.errors, []);
  // The identity policy's condition still decides: through S3 it is not granted.
  const viaS3 = decryptCall();
  viaS3.context['kms:ViaService'] = `s3.${REGION}.amazonaws.com`;
  const other = await evaluate([viaS3], [role(API, decryptViaSsm)], { [KEY]: { kind: 'key', policy: doc(keyAdmin, root) } });
  assert.deepEqual(deniedTuples(other), [[API, 'kms:Decrypt', KEY]]);
});

test('kms:Decrypt is denied when the key policy does not delegate to IAM, whatever the identity policy says', async () => {
  const result = await evaluate([decryptCall()], [role(API, decryptViaSsm)], { [KEY]: { kind: 'key', policy: doc(keyAdmin) } });
  assert.deepEqual(deniedTuples(result), [[API, 'kms:Decrypt', KEY]]);
  assert.match(result.denied[0].reason, /key policy neither allows it nor delegates to IAM/);
  assert.match(formatReport(result), /implied by GetParameter/);
});

test('a KMS key the account dump holds no policy for is an error, not a verdict', async () => {
  const result = await evaluate([decryptCall()], [role(API, decryptViaSsm)]);
  assert.deepEqual(result.denied, []);
  assert.equal(result.errors.length, 1);
  assert.match(result.errors[0].message, /key policy unknown/);
});

test('iam:PassRole to another service than the condition names is denied', async () => {
  const passToEcs = allow('iam:PassRole', TASK_ROLE, { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  const pass = (service) => call(DEPLOY, 'iam:PassRole', [TASK_ROLE], { implied_by: 'RegisterTaskDefinition', context: { 'iam:PassedToService': service } });
  const result = await evaluate([pass('lambda.amazonaws.com'), pass('ecs-tasks.amazonaws.com')], [role(DEPLOY, passToEcs)]);
  assert.deepEqual(deniedTuples(result), [[DEPLOY, 'iam:PassRole', TASK_ROLE]]);
  assert.equal(result.denied[0].sample.context['iam:PassedToService'], 'lambda.amazonaws.com');
  assert.deepEqual(result.perRole[DEPLOY], { calls: 2, distinct: 2, denied: 1 });
});

test('a call whose resource the recorder could not name is an error, not a pass', async () => {
  const result = await evaluate([call(WORKER, 's3:PutObject', null)], [role(WORKER, allow('s3:PutObject', '*'))]);
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.errors.map((e) => [e.role, e.message]), [[WORKER, 'resource unknown for s3:PutObject']]);
  assert.equal(result.checked, 1);
  assert.match(formatReport(result), /ERROR app-dev-worker s3:PutObject: resource unknown for s3:PutObject/);
});

test('identical calls are simulated once but all counted; failed calls are checked; other principals are unattributed', async () => {
  const key = `${BUCKET}/other/x`;
  const result = await evaluate([
    call(WORKER, 's3:PutObject', [key]),
    call(WORKER, 's3:PutObject', [key], { time: '2026-11-27T10:00:01Z' }),
    call(WORKER, 's3:PutObject', [key], { status: 412, error: 'PreconditionFailed' }),
    call(WORKER, 's3:GetObject', [key], { status: 404, error: 'NoSuchKey' }),
    call(null, 's3:PutObject', [key]),
    call(`arn:aws:iam::${ACCOUNT}:role/someone-else`, 's3:PutObject', [key]),
  ], [role(WORKER, allow('s3:PutObject', `${BUCKET}/emails/*`))]);
  assert.equal(result.checked, 4);
  assert.equal(result.unattributed, 2);
  assert.deepEqual(result.perRole[WORKER], { calls: 4, distinct: 2, denied: 2 });
  assert.deepEqual(deniedTuples(result), [[WORKER, 's3:PutObject', key], [WORKER, 's3:GetObject', key]]);
});

test('grants no recorded call used are listed, a partly used wildcard as its unused actions', async () => {
  const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:app-dev-ingest`;
  const result = await evaluate([
    call(API, 'sqs:SendMessage', [queue]),
    call(API, 'sqs:ReceiveMessage', [queue]),
  ], [role(API, allow(['sqs:SendMessage', 'sqs:GetQueueUrl'], queue), allow('sqs:*Message', queue), allow('s3:Get*', `${BUCKET}/*`))]);
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.unused[API], ['s3:Get*', 'sqs:DeleteMessage', 'sqs:GetQueueUrl']);
  assert.match(formatReport(result), /app-dev-api: granted but unused: s3:Get\*, sqs:DeleteMessage, sqs:GetQueueUrl/);
});

test('the CLI prints the report and exits 1 on a denial', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'permissions-'));
  const calls = path.join(dir, 'calls.jsonl');
  const account = path.join(dir, 'account.json');
  await writeFile(calls, `${JSON.stringify(call(DEPLOY, 'lambda:ListTags', [MAPPING]))}\n\n${JSON.stringify(call(DEPLOY, 'lambda:ListTags', [FUNCTION]))}\n`);
  await writeFile(account, JSON.stringify({ roles: role(DEPLOY, allow('lambda:ListTags', FUNCTION)), resources: {} }));
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../permissions.mjs');
  const run = (roles) => new Promise((resolve) => {
    execFile(process.execPath, [cli, '--calls', calls, '--account', account, '--roles', roles], (error, stdout) => resolve({ code: error?.code ?? 0, stdout }));
  });
  const denied = await run(DEPLOY);
  assert.equal(denied.code, 1);
  assert.match(denied.stdout, /permissions: app-dev-deploy: 2 calls, 2 distinct, 1 denied/);
  assert.ok(denied.stdout.includes(`DENIED app-dev-deploy lambda:ListTags on ${MAPPING}`), denied.stdout);
  const unchecked = await run(WORKER);
  assert.equal(unchecked.code, 1, 'a role to check that the account does not hold is an error');
  assert.match(unchecked.stdout, /2 unattributed/);
});

test('a kms:EncryptionContext condition is decided before the simulation, which drops such keys', async () => {
  const { resolveEncryptionContext } = await import('../permissions.mjs');
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Jars', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::jars', 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } }],
  };
  const holds = resolveEncryptionContext(policy, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::jars' });
  assert.deepEqual(holds.Statement[0].Condition, { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
  assert.deepEqual(resolveEncryptionContext(policy, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other' }).Statement, []);
  assert.deepEqual(resolveEncryptionContext(policy, {}).Statement, []);
  const like = { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::jars*' } } }] };
  assert.equal(resolveEncryptionContext(like, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::jars-1' }).Statement.length, 1);
});
