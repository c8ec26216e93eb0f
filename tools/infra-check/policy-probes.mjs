// The requests that policy-properties.mjs sends to iam-simulate: who asks (a role of the
// account, a probe role, an outsider, an anonymous caller, a service), on which concrete
// ARN, with which context, and what the simulator answered.
import { actionMatchesPattern } from '@cloud-copilot/iam-expand';
import { anonymousPrincipal, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import { policyDocument, requestContext, resourcePolicyFor } from './permissions.mjs';

/** The account no principal of the project lives in. */
export const OUTSIDE_ACCOUNT = '999999999999';
const SESSION = 'policy-properties';
const VERSION = '2012-10-17';

export const arnPart = (arn, index) => String(arn).split(':')[index] ?? '';
export const list = (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
export const statementsOf = (document) => list(policyDocument(document)?.Statement);
export const policyOf = (...Statement) => ({ Version: VERSION, Statement });
const ALLOW_ALL = { name: 'allow-all', policy: policyOf({ Effect: 'Allow', Action: '*', Resource: '*' }) };

export const roleName = (arn, held) => held?.name ?? String(arn).split('/').pop();
export const escapeRegExp = (text) => String(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every Allow statement of a role's policies (inline, attached), with its policy's name. */
export function allowStatements(held) {
  return (held.policies ?? []).flatMap((p) => statementsOf(p.document).filter((s) => s.Effect === 'Allow').map((statement) => ({ policy: p.name, statement })));
}

export const statementName = ({ policy, statement }) => `policy ${policy}${statement.Sid ? `, statement ${statement.Sid}` : ''}`;

/** Does a statement grant the action (by Action, or by a NotAction that leaves it out)? */
export const grants = (statement, action) => (statement.Action !== undefined
  ? list(statement.Action).some((pattern) => actionMatchesPattern(action, pattern))
  : list(statement.NotAction).length > 0 && !list(statement.NotAction).some((pattern) => actionMatchesPattern(action, pattern)));

/** The resource policy AWS evaluates with a request; a key the dump holds none for has the default one. */
export function policyFor(account, action, resource) {
  const found = resourcePolicyFor(account, action, resource);
  if (!found.error) return found.policy;
  return policyOf({ Sid: 'DefaultKeyPolicy', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${arnPart(resource, 4)}:root` }, Action: 'kms:*', Resource: '*' });
}

/** The condition operators a request matches by carrying the value (not Not*, Null, numbers, dates). */
export const POSITIVE = /^(?:For(?:All|Any)Values:)?(?:String(?:Equals|Like|EqualsIgnoreCase)|Arn(?:Equals|Like)|Bool)(?:IfExists)?$/;

/**
 * The request context a statement's conditions describe: each positive condition's first
 * value (all of them for a ForAllValues/ForAnyValue key), wildcards made concrete, passed
 * through `swap`. The principal's own keys and aws:SecureTransport are AWS's to set.
 */
export function conditionContext(condition, swap = (value) => value) {
  const context = {};
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    if (!POSITIVE.test(operator)) continue;
    for (const [key, values] of Object.entries(keys)) {
      if (/^aws:(Principal|SecureTransport)/i.test(key)) continue;
      const swapped = list(values).map((value) => swap(concretize(value)));
      context[key] = operator.startsWith('For') ? swapped : swapped[0];
    }
  }
  return context;
}

/** A concrete ARN for a pattern: every wildcard becomes "x" (bucket/* -> bucket/x). */
export const concretize = (arn) => String(arn).replace(/[*?]/g, 'x');

/**
 * The other environment's name for a value: the environment as a whole token of an ARN or a
 * condition value (-dev-, /dev/, -dev/, :dev, a trailing -dev, or "dev" alone).
 */
export function swapEnvironment(value, from, to) {
  return String(value).replace(new RegExp(`(^|[-/:])${from}(?=$|[-/:*])`, 'g'), `$1${to}`);
}

/** Does a value name this environment as a whole token (see swapEnvironment)? */
export const namesEnvironment = (value, env) => swapEnvironment(value, env, '\0') !== String(value);

/** A role of the account as it sends requests: its session, its policies, the keys AWS sets. */
export function rolePrincipal(roleArn, held, { region }) {
  const name = String(roleArn).split('/').pop();
  return {
    label: name,
    principal: `arn:${arnPart(roleArn, 1)}:sts::${arnPart(roleArn, 4)}:assumed-role/${name}/${SESSION}`,
    identityPolicies: (held.policies ?? []).map((p, i) => ({ name: p.name ?? `policy-${i + 1}`, policy: policyDocument(p.document) })),
    boundary: policyDocument(held.boundary?.document ?? held.boundary),
    context: requestContext({}, roleArn, { region, accountId: arnPart(roleArn, 4) }),
  };
}

/** A role made up for a probe, allowed exactly the statements given. */
export const probeRole = (roleArn, statements, setting) =>
  rolePrincipal(roleArn, { policies: [{ name: 'probe', document: policyOf(...statements) }] }, setting);

/**
 * A principal of another account whose own policies allow everything, so that only the
 * resource policy decides: a role session of that account, or the user or role named.
 */
export function outsider(principal, { region }) {
  const account = /^\d{12}$/.test(principal) ? principal : arnPart(principal, 4);
  const role = /:role\//.test(principal) ? principal : `arn:aws:iam::${account}:role/outsider`;
  if (/:user\//.test(principal)) {
    return { label: principal, principal, identityPolicies: [ALLOW_ALL], context: requestContext({}, principal, { region, accountId: account }) };
  }
  const label = role === principal ? principal : `a role of account ${account}`;
  return { ...rolePrincipal(role, { policies: [] }, { region }), label, identityPolicies: [ALLOW_ALL] };
}

export const anonymous = ({ region }) => ({
  label: 'an anonymous caller',
  principal: anonymousPrincipal,
  identityPolicies: [],
  context: { 'aws:SecureTransport': 'true', ...(region ? { 'aws:RequestedRegion': region } : {}) },
});

/** An AWS service (lambda.amazonaws.com) or an identity provider, acting as itself. */
export const actor = (principal, label = principal) => ({ label, principal, identityPolicies: [], context: { 'aws:SecureTransport': 'true' } });

// iam-simulate keeps only the context keys iam-data lists for the request, and it matches a
// listed key with a variable only after a slash (aws:ResourceTag/Environment): it drops
// kms:EncryptionContext:aws:s3:arn, which AWS sends with kms:Decrypt through S3, and every
// claim of an OIDC provider (token.actions.githubusercontent.com:sub), which iam-data does
// not list for sts:AssumeRoleWithWebIdentity. A dropped key fails every condition on it,
// whatever the request. Such a key stands in as a principal tag, a global key that the
// simulator evaluates with the same condition operators, in the policies and the request alike.
const DROPPED = [/^[a-z0-9-]+(?:\.[a-z0-9-]+)+:[^/]+$/i, /^kms:EncryptionContext:/i];
export const standIn = (key) => (DROPPED.some((pattern) => pattern.test(key)) ? `aws:PrincipalTag/${key.toLowerCase()}` : key);

const rewritten = new WeakMap();
/** A policy with its dropped condition keys in their stand-ins (see standIn). */
function withStandIns(value) {
  const policy = policyDocument(value);
  if (!policy || typeof policy !== 'object') return policy;
  if (!rewritten.has(policy)) {
    const statements = statementsOf(policy).map((statement) => {
      if (!statement.Condition) return statement;
      const Condition = Object.fromEntries(Object.entries(statement.Condition).map(([operator, keys]) =>
        [operator, Object.fromEntries(Object.entries(keys).map(([key, values]) => [standIn(key), values]))]));
      return { ...statement, Condition };
    });
    rewritten.set(policy, { ...policy, Statement: statements });
  }
  return rewritten.get(policy);
}

/** Which statements allowed a request, in words. */
function grantedBy(analysis) {
  const grants = getGrantReasons(analysis).map((g) => {
    const statement = g.statementId ?? `#${g.statementIndex}`;
    if (g.policyType === 'resource') return `the resource policy, statement ${statement}`;
    return `${g.policyType === 'identity' ? 'identity policy' : g.policyType} ${g.policyIdentifier ?? ''}, statement ${statement}`.replace(' ,', ',');
  });
  return grants.length > 0 ? grants.join('; ') : 'the policies';
}

// Many requests recur (each property probes the same roles; tests check copies of one
// account): an answer is kept per simulation input.
const answers = new Map();

/**
 * Simulates one request. Returns { allowed, grant } when AWS would allow it, { allowed: false }
 * when it would not, { inapplicable: true } when the action takes no such resource (s3:GetObject
 * on a bucket), { error } when the simulator refused the input. No SCPs or RCPs: the account
 * dump holds none.
 */
export async function simulate(who, action, resource, { resourcePolicy, context = {}, accountId }) {
  const simulation = {
    request: {
      principal: who.principal,
      action,
      resource: { resource, accountId: arnPart(resource, 4) || accountId },
      contextVariables: Object.fromEntries(Object.entries({ ...who.context, ...context }).map(([key, value]) => [standIn(key), value])),
    },
    identityPolicies: who.identityPolicies.map(({ name, policy }) => ({ name, policy: withStandIns(policy) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: withStandIns(resourcePolicy),
    ...(who.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: withStandIns(who.boundary) }] } : {}),
  };
  const key = JSON.stringify(simulation);
  if (!answers.has(key)) {
    if (answers.size > 50000) answers.clear();
    answers.set(key, await answer(simulation));
  }
  return answers.get(key);
}

async function answer(simulation) {
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    if (response.errors.message === 'no.resource.types') return { allowed: false, inapplicable: true };
    return { allowed: false, error: `simulator: ${JSON.stringify(response.errors)}` };
  }
  if (response.overallResult !== 'Allowed') return { allowed: false };
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  return { allowed: true, grant: analysis ? grantedBy(analysis) : 'the policies' };
}
