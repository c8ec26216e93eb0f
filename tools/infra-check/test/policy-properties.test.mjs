import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProperties } from '../policy-properties.mjs';

// An account as dump_iam.py prints it after a deploy of global, dev and prod, with the
// policies the modules write (ci-access, archive-bucket, queue, workload, the default key policy).
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const PROJECT = 'ingest-pipeline';
const REPOSITORY = 'your-org/ingest-pipeline';
const GITHUB = 'token.actions.githubusercontent.com';
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}`;
const STATE = `arn:aws:s3:::${PROJECT}-tfstate-${ACCOUNT}`;
const ARTIFACTS = `arn:aws:s3:::${PROJECT}-artifacts-${ACCOUNT}`;
const KEYS = { dev: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`, prod: `arn:aws:kms:${REGION}:${ACCOUNT}:key/66666666-7777-8888-9999-000000000000` };
const ANY_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`;
const archive = (env) => `arn:aws:s3:::${PROJECT}-${env}-archive-${ACCOUNT}`;
const queue = (env) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${PROJECT}-${env}-ingest`;
const role = (name) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const fn = (env, service) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PROJECT}-${env}-${service}`;
const WORKER = { dev: role(`${PROJECT}-dev-worker-task`), prod: role(`${PROJECT}-prod-worker-function`) };
const DEPLOY = { dev: role(`${PROJECT}-github-deploy-dev`), prod: role(`${PROJECT}-github-deploy-prod`) };
const PUSH = role(`${PROJECT}-github-push`);

const doc = (...Statement) => ({ Version: '2012-10-17', Statement });
const allow = (Sid, Action, Resource, Condition) => ({ Sid, Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const viaS3 = (bucket) => ({ StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucket } });

const tlsOnlyBucket = (bucket) => doc({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucket, `${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
const tlsOnlyQueue = (arn) => doc({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
const keyPolicy = doc({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' });
const serviceTrust = (service) => doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });
const githubTrust = (sub) => doc({
  Effect: 'Allow', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: sub } },
});

function worker(env) {
  return doc(
    allow('DrainTheQueue', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], [queue(env)]),
    allow('WriteArchiveObjects', ['s3:PutObject', 's3:GetObject'], [`${archive(env)}/emails/*`]),
    allow('FindTheBucket', ['s3:ListBucket'], [archive(env)]),
    allow('UseTheBucketKey', ['kms:GenerateDataKey', 'kms:Decrypt'], [KEYS[env]]),
  );
}

function deploy(env) {
  const services = ['api', 'worker'].map((service) => `${PROJECT}-${env}-${service}`);
  return doc(
    allow('TaskDefinitions', ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'], '*'),
    allow('DeployServices', ['ecs:UpdateService', 'ecs:DescribeServices'], services.map((s) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${PROJECT}-${env}/${s}`)),
    allow('PassServiceRoles', 'iam:PassRole', services.flatMap((s) => [role(`${s}-task`), role(`${s}-execution`)]), { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }),
    allow('PassFunctionRoles', 'iam:PassRole', services.map((s) => role(`${s}-function`)), { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }),
    allow('DeployFunctions', ['lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:PublishVersion', 'lambda:UpdateAlias'], ['api', 'worker'].flatMap((s) => [fn(env, s), `${fn(env, s)}:*`])),
    allow('RetagFunctions', 'lambda:TagResource', ['api', 'worker'].map((s) => fn(env, s)), { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Artifact'] } }),
    allow('ReadQueueTriggers', ['lambda:GetEventSourceMapping', 'lambda:ListTags'], `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:*`, { StringEquals: { 'aws:ResourceTag/Project': PROJECT, 'aws:ResourceTag/Environment': env } }),
    allow('ReadJars', ['s3:GetObject', 's3:GetObjectVersion'], ['api', 'worker'].map((s) => `${ARTIFACTS}/${s}/*`)),
    allow('DecryptJars', 'kms:Decrypt', ANY_KEY, viaS3(ARTIFACTS)),
    allow('ListState', 's3:ListBucket', STATE),
    allow('ReadStates', 's3:GetObject', [`${STATE}/${env}/*`, `${STATE}/global/registry/*`, `${STATE}/global/artifacts/*`]),
    allow('WriteServiceStates', ['s3:PutObject', 's3:DeleteObject'], ['api', 'worker'].map((s) => `${STATE}/${env}/${s}/*`)),
    allow('SmokeTestReadsItsObject', 's3:GetObject', `${archive(env)}/emails/*`),
    allow('SmokeTestDecryptsItsObject', 'kms:Decrypt', ANY_KEY, viaS3(archive(env))),
  );
}

const push = doc(
  allow('EcrLogin', 'ecr:GetAuthorizationToken', '*'),
  allow('EcrPush', ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'], ['api', 'worker'].map((s) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${PROJECT}/${s}`)),
  allow('PublishJars', ['s3:PutObject', 's3:GetObject'], ['api', 'worker'].map((s) => `${ARTIFACTS}/${s}/*`)),
  allow('EncryptJars', ['kms:GenerateDataKey', 'kms:Decrypt'], ANY_KEY, viaS3(ARTIFACTS)),
);

const held = (arn, trust, document) => [arn, { name: arn.split('/').pop(), trust, policies: [{ name: 'inline', document }], boundary: null }];

function fixture() {
  const roles = Object.fromEntries([
    held(WORKER.dev, serviceTrust('ecs-tasks.amazonaws.com'), worker('dev')),
    held(WORKER.prod, serviceTrust('lambda.amazonaws.com'), worker('prod')),
    held(DEPLOY.dev, githubTrust(`repo:${REPOSITORY}:environment:dev`), deploy('dev')),
    held(DEPLOY.prod, githubTrust(`repo:${REPOSITORY}:environment:prod`), deploy('prod')),
    held(PUSH, githubTrust(`repo:${REPOSITORY}:ref:refs/heads/main`), push),
  ]);
  const resources = {};
  for (const bucket of [archive('dev'), archive('prod'), ARTIFACTS, STATE]) resources[bucket] = { kind: 'bucket', policy: tlsOnlyBucket(bucket) };
  for (const env of ['dev', 'prod']) {
    for (const arn of [queue(env), `${queue(env)}-dlq`]) resources[arn] = { kind: 'queue', policy: JSON.stringify(tlsOnlyQueue(arn)) };
    resources[KEYS[env]] = { kind: 'key', policy: keyPolicy };
  }
  // The load balancer invokes prod's API function (lambda-function's permission).
  resources[fn('prod', 'api')] = {
    kind: 'function',
    policy: doc({ Sid: 'AllowLoadBalancer', Effect: 'Allow', Principal: { Service: 'elasticloadbalancing.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fn('prod', 'api'), Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${PROJECT}-prod-api/*` } } }),
  };
  return { roles, resources };
}

const check = (account) => checkProperties(account, { accountId: ACCOUNT, region: REGION, project: PROJECT });
/** The fixture after `change` edits a deep copy of it. */
function mutated(change) {
  const account = structuredClone(fixture());
  change(account);
  return account;
}
const statement = (account, arn, sid) => account.roles[arn].policies[0].document.Statement.find((s) => s.Sid === sid);
const named = (findings, property, subject) => findings.filter((f) => f.property === property && f.subject === subject);
const properties = (findings) => [...new Set(findings.map((f) => f.property))].sort();

test('the account the modules build has every property', async () => {
  assert.deepEqual(await check(fixture()), []);
});

test('no-outside-access: a bucket policy allowing Principal "*" to GetObject', async () => {
  const findings = await check(mutated((account) => {
    account.resources[ARTIFACTS].policy.Statement.push({ Sid: 'PublicJars', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARTIFACTS}/*` });
  }));
  const found = named(findings, 'no-outside-access', ARTIFACTS);
  assert.deepEqual(found.map((f) => f.message.split(':')[0]).sort(), ['a role of account 999999999999 may s3', 'an anonymous caller may s3'], JSON.stringify(findings));
  assert.match(found[0].message, /s3:GetObject on .*\/x: allowed by the resource policy, statement PublicJars/);
  assert.deepEqual(properties(findings), ['no-outside-access']);
});

test('no-outside-access: a queue policy letting another account send, probed as the principal it names', async () => {
  const findings = await check(mutated((account) => {
    const policy = JSON.parse(account.resources[queue('dev')].policy);
    policy.Statement.push({ Sid: 'PartnerSends', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:role/partner' }, Action: 'sqs:SendMessage', Resource: queue('dev') });
    account.resources[queue('dev')].policy = JSON.stringify(policy);
  }));
  const found = named(findings, 'no-outside-access', queue('dev'));
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, /^arn:aws:iam::210987654321:role\/partner may sqs:SendMessage/);
});

test('no-outside-access: the key policy delegating to the account root lets no other account decrypt', async () => {
  const findings = await check(mutated((account) => {
    account.resources[KEYS.prod].policy = doc(...keyPolicy.Statement, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: '999999999999' }, Action: 'kms:Decrypt', Resource: '*' });
  }));
  assert.equal(named(findings, 'no-outside-access', KEYS.prod).length, 1, JSON.stringify(findings));
});

test('tls-only: a TLS statement covering the bucket and not bucket/*', async () => {
  const findings = await check(mutated((account) => {
    account.resources[archive('dev')].policy.Statement[0].Resource = archive('dev');
  }));
  const found = named(findings, 'tls-only', archive('dev'));
  assert.ok(found.length > 0, JSON.stringify(findings));
  assert.ok(found.every((f) => /s3:(Get|Put)Object on .*\/(x|emails\/x) over plain HTTP/.test(f.message)), JSON.stringify(found));
  assert.ok(!found.some((f) => f.message.startsWith('s3:ListBucket')), 'the bucket itself is still covered');
  assert.deepEqual(properties(findings), ['tls-only']);
});

test('tls-only: a queue policy denying plain HTTP for one action only', async () => {
  const findings = await check(mutated((account) => {
    const policy = JSON.parse(account.resources[queue('prod')].policy);
    policy.Statement[0].Action = 'sqs:ReceiveMessage';
    account.resources[queue('prod')].policy = JSON.stringify(policy);
  }));
  const found = named(findings, 'tls-only', queue('prod'));
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, /^sqs:SendMessage on .* over plain HTTP/);
});

test('env-isolation: a dev worker granted every environment\'s archive', async () => {
  const findings = await check(mutated((account) => {
    statement(account, WORKER.dev, 'WriteArchiveObjects').Resource = [`arn:aws:s3:::${PROJECT}-*-archive-*/*`];
  }));
  const found = named(findings, 'env-isolation', WORKER.dev);
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, new RegExp(`may s3:PutObject, s3:GetObject on ${archive('prod')}/x, ${archive('prod')}/emails/x, of prod: allowed by identity policy inline, statement WriteArchiveObjects`));
  assert.deepEqual(properties(findings), ['env-isolation']);
});

test('env-isolation: a deploy role reading every environment\'s state', async () => {
  const findings = await check(mutated((account) => {
    statement(account, DEPLOY.prod, 'ReadStates').Resource = `${STATE}/*`;
  }));
  const found = named(findings, 'env-isolation', DEPLOY.prod);
  assert.ok(found.some((f) => f.message.includes(`on ${STATE}/dev/x, of dev`)), JSON.stringify(findings));
});

test('env-isolation: a decrypt statement no longer scoped by the encryption context', async () => {
  const findings = await check(mutated((account) => {
    delete statement(account, DEPLOY.dev, 'SmokeTestDecryptsItsObject').Condition.StringEquals['kms:EncryptionContext:aws:s3:arn'];
  }));
  const found = named(findings, 'env-isolation', DEPLOY.dev);
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, /kms:Decrypt on arn:aws:kms:.*:key\/x, of prod/);
});

test('env-isolation: queue triggers read by tag, with the Environment tag left out', async () => {
  const findings = await check(mutated((account) => {
    delete statement(account, DEPLOY.dev, 'ReadQueueTriggers').Condition.StringEquals['aws:ResourceTag/Environment'];
  }));
  assert.equal(named(findings, 'env-isolation', DEPLOY.dev).length, 1, JSON.stringify(findings));
});

test('pass-role-to-service: iam:PassRole without an iam:PassedToService condition', async () => {
  const findings = await check(mutated((account) => {
    delete statement(account, DEPLOY.dev, 'PassServiceRoles').Condition;
  }));
  const found = named(findings, 'pass-role-to-service', DEPLOY.dev);
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, /statement PassServiceRoles allows iam:PassRole .* with no iam:PassedToService condition/);
  assert.deepEqual(properties(findings), ['pass-role-to-service']);
});

test('pass-role-to-service: a condition that any service matches', async () => {
  const findings = await check(mutated((account) => {
    statement(account, DEPLOY.prod, 'PassFunctionRoles').Condition = { StringLike: { 'iam:PassedToService': '*.amazonaws.com' } };
  }));
  const found = named(findings, 'pass-role-to-service', DEPLOY.prod);
  assert.ok(found.some((f) => /may pass .*-function to ec2\.amazonaws\.com/.test(f.message)), JSON.stringify(findings));
});

test('pass-role-to-service: an iam:* grant passes roles too', async () => {
  const findings = await check(mutated((account) => {
    account.roles[PUSH].policies[0].document.Statement.push(allow('Admin', 'iam:*', role(`${PROJECT}-*`)));
  }));
  assert.equal(named(findings, 'pass-role-to-service', PUSH).length, 1, JSON.stringify(findings));
});

test('trust-principal: a GitHub trust whose subject is repo:org/name:*', async () => {
  const findings = await check(mutated((account) => {
    const trust = account.roles[DEPLOY.prod].trust.Statement[0].Condition;
    delete trust.StringEquals[`${GITHUB}:sub`];
    trust.StringLike = { [`${GITHUB}:sub`]: `repo:${REPOSITORY}:*` };
  }));
  const found = named(findings, 'trust-principal', DEPLOY.prod);
  const subjects = found.map((f) => /sub (\S+),/.exec(f.message)[1]).sort();
  assert.deepEqual(subjects, [
    `repo:${REPOSITORY}:environment:dev`, `repo:${REPOSITORY}:pull_request`,
    `repo:${REPOSITORY}:ref:refs/heads/feature`, `repo:${REPOSITORY}:ref:refs/heads/main`,
  ], JSON.stringify(findings));
  assert.deepEqual(properties(findings), ['trust-principal']);
});

test('trust-principal: a GitHub trust without the audience condition', async () => {
  const findings = await check(mutated((account) => {
    delete account.roles[PUSH].trust.Statement[0].Condition.StringEquals[`${GITHUB}:aud`];
  }));
  const found = named(findings, 'trust-principal', PUSH);
  assert.equal(found.length, 1, JSON.stringify(findings));
  assert.match(found[0].message, /a token for another audience/);
});

test('trust-principal: a service role also trusting EC2, and one trusting the account', async () => {
  const findings = await check(mutated((account) => {
    account.roles[WORKER.prod].trust.Statement[0].Principal.Service = ['lambda.amazonaws.com', 'ec2.amazonaws.com'];
    account.roles[WORKER.dev].trust.Statement.push({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
  }));
  assert.match(named(findings, 'trust-principal', WORKER.prod).map((f) => f.message).join('\n'), /lets ec2\.amazonaws\.com assume it/);
  assert.match(named(findings, 'trust-principal', WORKER.dev).map((f) => f.message).join('\n'), /another role of the account/);
});

test('trust-principal: roles another account may assume, any of its principals or the one named', async () => {
  const findings = await check(mutated((account) => {
    account.roles[WORKER.dev].trust.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' });
    account.roles[PUSH].trust.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:role/ci' }, Action: 'sts:AssumeRole' });
  }));
  assert.match(named(findings, 'trust-principal', WORKER.dev).map((f) => f.message).join('\n'), /lets a role of account 999999999999 assume it \(sts:AssumeRole from another account\)/);
  assert.match(named(findings, 'trust-principal', PUSH).map((f) => f.message).join('\n'), /lets arn:aws:iam::210987654321:role\/ci assume it/);
});

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../policy-properties.mjs');
const cli = (file) => new Promise((resolve) => {
  execFile(process.execPath, [CLI, '--account', file], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
});

test('the CLI prints the findings and exits 1 on any, 0 on none', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'policy-properties-'));
  const good = path.join(dir, 'good.json');
  const bad = path.join(dir, 'bad.json');
  await writeFile(good, JSON.stringify(fixture()));
  await writeFile(bad, JSON.stringify(mutated((account) => {
    delete statement(account, DEPLOY.dev, 'PassServiceRoles').Condition;
  })));
  const [passing, failing] = await Promise.all([cli(good), cli(bad)]);
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  assert.match(passing.stdout, /policy-properties: 0 finding\(s\)/);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  assert.ok(failing.stdout.includes(`policy-properties: pass-role-to-service ${DEPLOY.dev}: `), failing.stdout);
});
