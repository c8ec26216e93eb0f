// The promises the modules make about who may do what, checked over an account dump
// (tools/rehearse/moto/dump_iam.py) with iam-simulate, AWS's policy evaluation offline:
// each property is a set of requests that must be denied (or allowed only as intended),
// not a pattern the policy text must match.
//
//   node tools/infra-check/policy-properties.mjs --account FILE [--account-id ID] [--region R]
//     [--project P] [--repository owner/name]
//
// Prints one line per finding, `property subject: message`; exits 1 on any.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS, environmentIsolation } from './env-isolation.mjs';
import { policyDocument } from './permissions.mjs';
import {
  OUTSIDE_ACCOUNT, POSITIVE, actor, allowStatements, anonymous, arnPart, concretize, escapeRegExp, grants, list, outsider,
  probeRole, roleName, rolePrincipal, simulate, statementName, statementsOf,
} from './policy-probes.mjs';

const GITHUB = 'token.actions.githubusercontent.com';

// 1. Nothing outside the account reads or writes: the resource policy alone decides for an
// anonymous caller and for a principal of another account whose own policies allow all.
const OUTSIDE_REQUESTS = {
  bucket: (arn) => [['s3:GetObject', `${arn}/x`], ['s3:PutObject', `${arn}/x`], ['s3:ListBucket', arn]],
  queue: (arn) => [['sqs:SendMessage', arn], ['sqs:ReceiveMessage', arn]],
  key: (arn) => [['kms:Decrypt', arn]],
  topic: (arn) => [['sns:Publish', arn]],
  function: (arn) => [['lambda:InvokeFunction', arn]],
  repository: (arn) => [['ecr:BatchGetImage', arn], ['ecr:PutImage', arn]],
};

/** The principals of other accounts a policy names: each is probed as itself. */
function namedOutsiders(policy, owner) {
  const account = (p) => (/^\d{12}$/.test(p) ? p : arnPart(p, 4));
  const probedAnyway = (p) => account(p) === OUTSIDE_ACCOUNT && !/:(?:role|user)\//.test(p);
  const named = statementsOf(policy).filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Principal?.AWS));
  return [...new Set(named.filter((p) => p !== '*' && account(p) !== owner && !probedAnyway(p)))];
}

async function noOutsideAccess(account, { accountId, region }) {
  const findings = [];
  for (const [arn, held] of Object.entries(account.resources ?? {})) {
    const policy = policyDocument(held.policy);
    const requests = OUTSIDE_REQUESTS[held.kind]?.(arn);
    if (!policy || !requests) continue;
    const owner = arnPart(arn, 4) || accountId;
    const callers = [anonymous({ region }), ...[OUTSIDE_ACCOUNT, ...namedOutsiders(policy, owner)].map((p) => outsider(p, { region }))];
    for (const who of callers) {
      for (const [action, resource] of requests) {
        const result = await simulate(who, action, resource, { resourcePolicy: policy, accountId: owner });
        if (result.allowed) findings.push({ property: 'no-outside-access', subject: arn, message: `${who.label} may ${action} on ${resource}: allowed by ${result.grant}` });
        if (result.error) findings.push({ property: 'no-outside-access', subject: arn, message: `${action} by ${who.label}: ${result.error}` });
      }
    }
  }
  return findings;
}

// 2. TLS-only covers every resource it protects: whatever some role (or a probe role allowed
// everything on the resource) may do over HTTPS is denied over plain HTTP.
const TLS_REQUESTS = {
  bucket: (arn, objects) => [['s3:ListBucket', arn], ...objects.flatMap((object) => [['s3:GetObject', object], ['s3:PutObject', object]])],
  queue: (arn) => [['sqs:SendMessage', arn], ['sqs:ReceiveMessage', arn]],
};
const TLS_PROBE = {
  bucket: (arn) => ({ Effect: 'Allow', Action: 's3:*', Resource: [arn, `${arn}/*`] }),
  queue: (arn) => ({ Effect: 'Allow', Action: 'sqs:*', Resource: arn }),
};

/** bucket/x and the objects the roles' statements name under the bucket (emails/* -> emails/x). */
function objectsOf(account, bucket) {
  const named = Object.values(account.roles ?? {}).flatMap((held) => allowStatements(held).flatMap(({ statement }) => list(statement.Resource)));
  return [...new Set([`${bucket}/x`, ...named.filter((r) => String(r).startsWith(`${bucket}/`)).map(concretize)])];
}

async function tlsOnly(account, { accountId, region, project }) {
  const findings = [];
  const roles = Object.entries(account.roles ?? {}).map(([arn, held]) => rolePrincipal(arn, held, { region }));
  for (const [arn, held] of Object.entries(account.resources ?? {})) {
    if (!TLS_REQUESTS[held.kind]) continue;
    const resourcePolicy = policyDocument(held.policy);
    const probe = probeRole(`arn:aws:iam::${accountId}:role/${project}-tls-probe`, [TLS_PROBE[held.kind](arn)], { region });
    for (const [action, resource] of TLS_REQUESTS[held.kind](arn, objectsOf(account, arn))) {
      for (const who of [probe, ...roles]) {
        const https = await simulate(who, action, resource, { resourcePolicy, accountId });
        if (!https.allowed) continue;
        const http = await simulate(who, action, resource, { resourcePolicy, accountId, context: { 'aws:SecureTransport': 'false' } });
        if (http.allowed) {
          findings.push({ property: 'tls-only', subject: arn, message: `${action} on ${resource} over plain HTTP (aws:SecureTransport=false) is allowed for ${who.label}: no TLS-only Deny covers it` });
          break;
        }
      }
    }
  }
  return findings;
}

// 4. iam:PassRole only to the service that needs the role: the statement names the service
// (iam:PassedToService), and any other service is denied.
const PASS_ROLE_PROBES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'];

function passedToService(condition) {
  let present = false;
  const named = [];
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      if (key.toLowerCase() !== 'iam:passedtoservice') continue;
      present = true;
      if (POSITIVE.test(operator)) named.push(...list(values));
    }
  }
  return present ? named : null;
}

async function passRoleToService(account, { accountId, region }) {
  const findings = [];
  for (const [arn, held] of Object.entries(account.roles ?? {})) {
    const who = rolePrincipal(arn, held, { region });
    for (const found of allowStatements(held)) {
      const { statement } = found;
      if (!grants(statement, 'iam:PassRole')) continue;
      const resources = statement.Resource === undefined ? ['*'] : list(statement.Resource);
      const named = passedToService(statement.Condition);
      if (named === null) {
        findings.push({ property: 'pass-role-to-service', subject: arn, message: `${statementName(found)} allows iam:PassRole on ${resources.join(', ')} with no iam:PassedToService condition: any service may be handed the role` });
        continue;
      }
      const lowered = named.map((service) => String(service).toLowerCase());
      for (const service of PASS_ROLE_PROBES.filter((probe) => !lowered.includes(probe))) {
        for (const resource of resources.map((r) => (r === '*' ? `arn:aws:iam::${accountId}:role/x` : concretize(r)))) {
          const result = await simulate(who, 'iam:PassRole', resource, { context: { 'iam:PassedToService': service }, accountId });
          if (result.allowed) findings.push({ property: 'pass-role-to-service', subject: arn, message: `${roleName(arn, held)} may pass ${resource} to ${service}, though ${statementName(found)} names ${named.join(', ') || 'no service'}: allowed by ${result.grant}` });
        }
      }
    }
  }
  return findings;
}

// 5. A role's trust lets in only its intended principal: a GitHub OIDC role one subject of
// one repository with audience sts.amazonaws.com, a service role its service; never another
// account.
const SERVICE_PRINCIPALS = ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com', 'ecs.amazonaws.com'];
const trustPrincipals = (trust, type) => statementsOf(trust).filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Principal?.[type]));

function intendedService(held) {
  if (/-function$/.test(held.name)) return 'lambda.amazonaws.com';
  if (/-(?:task|execution)$/.test(held.name)) return 'ecs-tasks.amazonaws.com';
  const named = trustPrincipals(held.trust, 'Service').filter((service) => SERVICE_PRINCIPALS.slice(0, 2).includes(service));
  return named.length === 1 ? named[0] : undefined;
}

/** The subject a GitHub role is for: its repository and what follows (environment:dev). */
function intendedSubject(held, { project, repository }) {
  const subjects = statementsOf(held.trust).flatMap((s) => Object.values(s.Condition ?? {}).flatMap((keys) => list(keys[`${GITHUB}:sub`])));
  const repo = repository ?? subjects.map((sub) => /^repo:([^/:*?]+\/[^:*?]+):/.exec(sub)?.[1]).find(Boolean) ?? 'unknown-owner/unknown-repository';
  const deploy = new RegExp(`^${escapeRegExp(project)}-github-deploy-(${ENVIRONMENTS.join('|')})$`).exec(held.name);
  if (deploy) return { repo, rest: `environment:${deploy[1]}` };
  if (held.name === `${project}-github-push`) return { repo, rest: 'ref:refs/heads/main' };
  const exact = subjects.find((sub) => sub.startsWith(`repo:${repo}:`) && !/[*?]/.test(sub));
  return { repo, rest: exact?.slice(`repo:${repo}:`.length) };
}

/** The tokens a GitHub role must refuse: [sub, aud, what the token is]. */
function foreignTokens({ repo, rest }) {
  const [owner, name] = repo.split('/');
  const intended = rest && `repo:${repo}:${rest}`;
  const same = rest ?? 'ref:refs/heads/main';
  const tokens = [
    [`repo:${owner}-fork/${name}:${same}`, 'another repository'],
    [`repo:${owner}/${name}-fork:${same}`, 'another repository'],
  ];
  if (rest) {
    tokens.push(...ENVIRONMENTS.map((env) => [`repo:${repo}:environment:${env}`, `the ${env} environment's job`]));
    tokens.push([`repo:${repo}:ref:refs/heads/main`, 'a job on main'], [`repo:${repo}:ref:refs/heads/feature`, 'a job on another branch'], [`repo:${repo}:pull_request`, 'a pull request']);
  }
  const subjects = tokens.filter(([sub]) => sub !== intended).map(([sub, what]) => [sub, 'sts.amazonaws.com', what]);
  if (intended) subjects.push([intended, `https://github.com/${owner}`, 'a token for another audience']);
  return subjects;
}

async function trustIntendedPrincipal(account, { accountId, region, project, repository }) {
  const findings = [];
  for (const [arn, held] of Object.entries(account.roles ?? {})) {
    const name = roleName(arn, held);
    const trust = policyDocument(held.trust);
    const refuse = async (who, action, how, context = {}) => {
      const result = await simulate(who, action, arn, { resourcePolicy: trust, context, accountId });
      if (result.allowed) findings.push({ property: 'trust-principal', subject: arn, message: `the trust of ${name} lets ${who.label} assume it (${how}): allowed by ${result.grant}` });
      if (result.error) findings.push({ property: 'trust-principal', subject: arn, message: `${action} by ${who.label}: ${result.error}` });
    };
    for (const other of [OUTSIDE_ACCOUNT, ...namedOutsiders(trust, arnPart(arn, 4) || accountId)]) {
      await refuse(outsider(other, { region }), 'sts:AssumeRole', 'sts:AssumeRole from another account');
    }
    const provider = trustPrincipals(held.trust, 'Federated').find((federated) => String(federated).includes(GITHUB));
    const service = intendedService({ ...held, name });
    if (!provider && !service) continue;
    await refuse(probeRole(`arn:aws:iam::${accountId}:role/${project}-intruder`, [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }], { region }), 'sts:AssumeRole', 'another role of the account');
    for (const other of SERVICE_PRINCIPALS.filter((s) => s !== service)) await refuse(actor(other), 'sts:AssumeRole', service ? `a service other than ${service}` : 'a service');
    if (!provider) continue;
    for (const [sub, aud, what] of foreignTokens(intendedSubject({ ...held, name }, { project, repository }))) {
      const context = { [`${GITHUB}:sub`]: sub, [`${GITHUB}:aud`]: aud };
      await refuse(actor(provider, `GitHub's token for ${what}`), 'sts:AssumeRoleWithWebIdentity', `sub ${sub}, aud ${aud}`, context);
    }
  }
  return findings;
}

/**
 * Checks the five properties over an account dump ({ roles, resources } as dump_iam.py
 * prints it) and returns findings [{ property, subject, message }], subject the ARN of the
 * resource or role. `project` is the naming prefix (ingest-pipeline); `repository`
 * (owner/name) is read from the GitHub roles' trust when not given.
 */
export async function checkProperties(account, { accountId, region, project, repository } = {}) {
  if (!accountId || !project) throw new Error('checkProperties needs accountId and project');
  const setting = { accountId, region, project, repository };
  return [
    ...(await noOutsideAccess(account, setting)),
    ...(await tlsOnly(account, setting)),
    ...(await environmentIsolation(account, setting)),
    ...(await passRoleToService(account, setting)),
    ...(await trustIntendedPrincipal(account, setting)),
  ];
}

export const formatFindings = (findings) => [
  ...findings.map((f) => `policy-properties: ${f.property} ${f.subject}: ${f.message}`),
  `policy-properties: ${findings.length} finding(s)`,
].join('\n');

/** The naming prefix, from the GitHub roles' names (<project>-github-push, -github-deploy-<env>). */
function projectOf(account) {
  return Object.entries(account.roles ?? {}).map(([arn, held]) => /^(.+)-github-(?:push|deploy-[a-z]+)$/.exec(roleName(arn, held))?.[1]).find(Boolean);
}

async function main(args) {
  const option = (name) => {
    const index = args.indexOf(`--${name}`);
    return index < 0 ? undefined : args[index + 1];
  };
  const file = option('account');
  if (!file) throw new Error('usage: policy-properties.mjs --account FILE [--account-id ID] [--region R] [--project P] [--repository owner/name]');
  const account = JSON.parse(await readFile(file, 'utf8'));
  const project = option('project') ?? projectOf(account);
  if (!project) throw new Error('no role is named <project>-github-push or <project>-github-deploy-<env>: give --project');
  const findings = await checkProperties(account, {
    accountId: option('account-id') ?? arnPart(Object.keys(account.roles ?? {})[0], 4),
    region: option('region') ?? process.env.AWS_REGION ?? 'eu-west-1',
    project,
    repository: option('repository'),
  });
  console.log(formatFindings(findings));
  return findings.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`policy-properties: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
