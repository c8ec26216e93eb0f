// Deploy rehearsal, permissions: every AWS call that moto served (one JSON line each) is
// evaluated against the IAM policies of the role that made it, with iam-simulate, an offline
// implementation of AWS's policy evaluation. moto does not enforce IAM, so a grant the real
// account would refuse is found here, not at the first real deploy.
//
//   node tools/infra-check/permissions.mjs --calls FILE --account FILE --roles arn1,arn2
//
// Prints one line per role, denial, error and the unused grants; exits 1 on a denial or error.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import { actionMatchesPattern, expandIamActions } from '@cloud-copilot/iam-expand';

// The rehearsal only needs a session name; AWS's session ARN has no role path.
const SESSION = 'rehearsal';
const KMS_KEY = /^arn:[^:]+:kms:[^:]*:[^:]*:key\//;

const arnPart = (arn, index) => String(arn).split(':')[index] ?? '';
const roleName = (arn) => String(arn).split('/').pop();

/** A policy document as moto may dump it: an object, a JSON string or a URL-encoded one. */
export function policyDocument(value) {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  return JSON.parse(value.startsWith('%') ? decodeURIComponent(value) : value);
}

/** The ARN whose policy governs a resource: the bucket of an object, the unqualified function. */
export function policyOwner(resource) {
  const s3 = /^(arn:[^:]+:s3:::[^/]+)\//.exec(resource);
  if (s3) return s3[1];
  const fn = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+):/.exec(resource);
  return fn ? fn[1] : resource;
}

/**
 * The resource-based policy AWS evaluates with the call, or { error } when the evaluation
 * would be meaningless without one: a KMS key always has a key policy, and it decides.
 */
export function resourcePolicyFor(account, action, resource) {
  // A role's trust policy is the resource policy of sts:AssumeRole*, not of iam:PassRole.
  if (/^sts:AssumeRole/i.test(action)) return { owner: `the trust policy of ${resource}`, policy: policyDocument(account.roles?.[resource]?.trust) };
  const arn = policyOwner(resource);
  const held = account.resources?.[arn];
  const policy = policyDocument(held?.policy);
  if (!policy && KMS_KEY.test(resource)) return { error: `key policy unknown for ${resource}: the account dump holds none` };
  return { owner: `the ${held?.kind ?? 'resource'} policy of ${arn}`, policy };
}

/** The role session a recorded principal stands for, if it is one of the roles to check. */
function attribute(principal, roles) {
  if (!principal) return undefined;
  if (roles.has(principal)) return principal;
  const session = /^arn:[^:]+:sts::\d+:assumed-role\/([^/]+)\//.exec(principal);
  return session ? [...roles].find((arn) => roleName(arn) === session[1]) : undefined;
}

/**
 * The context of the request as AWS would see it. AWS endpoints are HTTPS-only (moto on
 * loopback is plain HTTP, so the recorded aws:SecureTransport is "false"), and AWS sets the
 * principal's keys itself; both override what the recorder saw.
 */
export function requestContext(call, role, { region, accountId }) {
  const context = { ...(call.context ?? {}), 'aws:SecureTransport': 'true', 'aws:PrincipalArn': role, 'aws:PrincipalAccount': arnPart(role, 4) || accountId };
  const requested = call.region ?? region;
  if (requested) context['aws:RequestedRegion'] = requested;
  return context;
}

const stable = (context) => Object.keys(context).sort().map((key) => [key, context[key]]);

/** Why the simulator refused, from its own analysis, in words. */
function denialReason(analysis, resource, owner) {
  const where = (d) => (d.policyType === 'resource' ? owner : d.policyType === 'pb' ? 'the permissions boundary' : `${d.policyType} policy ${d.policyIdentifier ?? d.identifier ?? ''}`.trim());
  const reasons = getDenialReasons(analysis).map((d) => {
    if (d.denialType === 'Explicit') return `explicit Deny in ${where(d)}, statement ${d.statementId ?? `#${d.statementIndex}`}`;
    if (d.policyType === 'identity') return 'no identity policy statement allows it';
    if (d.policyType === 'resource' && KMS_KEY.test(resource)) return `the key policy neither allows it nor delegates to IAM (arn:aws:iam::${arnPart(resource, 4)}:root)`;
    return `${where(d)} does not allow it`;
  });
  return reasons.length > 0 ? reasons.join('; ') : analysis.result;
}

function simulationError(errors) {
  const details = Object.entries(errors)
    .filter(([key]) => key !== 'message')
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `simulator: ${[errors.message, ...details].join(' ')}`;
}

/**
 * Simulates one distinct request; returns { denied: reason } or { error } or {}. The principal is
 * the role's session, in the role's account, with no SCPs (moto has no organization). iam-simulate
 * applies AWS's same-account rule itself: identity OR resource policy allows, an explicit Deny in
 * either wins; for a KMS key it trusts the identity policies only when the key policy has an Allow
 * for the account (arn:aws:iam::<account>:root), else the key policy must allow the role itself.
 */
const ENCRYPTION_CONTEXT = /^kms:encryptioncontext:/i;
const wildcard = (pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * iam-simulate 0.1.173 drops context keys of the form kms:EncryptionContext:<key> (it matches
 * variable keys only at a '/': simulationEngine's listHasVariableKeyMatch), so a condition on
 * one never holds. Such conditions are decided here instead, before the simulation, for
 * StringEquals and StringLike (what the modules use): a condition that holds leaves the
 * statement, one that does not removes the statement (it does not apply, Allow or Deny).
 * Any other operator on such a key is left to the simulator, which then denies.
 */
export function resolveEncryptionContext(policy, context = {}) {
  if (!policy?.Statement) return policy;
  const value = (key) => Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  const statements = [];
  for (const statement of [].concat(policy.Statement)) {
    let applies = true;
    const condition = {};
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      const kept = {};
      for (const [key, expected] of Object.entries(keys)) {
        const like = operator === 'StringLike';
        if (!ENCRYPTION_CONTEXT.test(key) || !(like || operator === 'StringEquals')) {
          kept[key] = expected;
          continue;
        }
        const actual = value(key);
        const holds = actual !== undefined && [].concat(expected).some((item) => (like ? wildcard(item).test(actual) : item === actual));
        if (!holds) applies = false;
      }
      if (Object.keys(kept).length) condition[operator] = kept;
    }
    if (!applies) continue;
    const { Condition, ...rest } = statement;
    statements.push(Object.keys(condition).length ? { ...rest, Condition: condition } : rest);
  }
  return { ...policy, Statement: statements };
}

async function simulate({ role, action, resource, context }, account, accountId) {
  const found = resourcePolicyFor(account, action, resource);
  if (found.error) return { error: found.error };
  const held = account.roles[role];
  const boundary = policyDocument(held.boundary?.document ?? held.boundary);
  const response = await runSimulation({
    request: {
      principal: `arn:${arnPart(role, 1)}:sts::${arnPart(role, 4)}:assumed-role/${roleName(role)}/${SESSION}`,
      action,
      resource: { resource, accountId: arnPart(resource, 4) || accountId },
      contextVariables: context,
    },
    identityPolicies: (held.policies ?? []).map((p, i) => ({ name: p.name ?? `policy-${i + 1}`, policy: resolveEncryptionContext(policyDocument(p.document), context) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: found.policy && resolveEncryptionContext(found.policy, context),
    ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
  }, {});
  if (response.resultType === 'error') return { error: simulationError(response.errors) };
  if (response.overallResult === 'Allowed') return {};
  // A "*" on an action with resource types runs one simulation per pattern of the policies.
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  return { denied: analysis ? denialReason(analysis, resource, found.owner) : `${response.overallResult}: no statement allows it on ${resource}` };
}

/**
 * The granted action patterns of a role's Allow statements that no recorded call matched. A
 * wildcard no call matched is reported as written; one some call matched is expanded (iam-expand,
 * from iam-data) to the actions that stayed unused. NotAction grants cannot be listed and are skipped.
 */
export async function unusedActions(held, usedActions) {
  const unused = new Set();
  const used = (pattern) => usedActions.some((action) => actionMatchesPattern(action, pattern));
  for (const policy of held.policies ?? []) {
    const document = policyDocument(policy.document);
    for (const statement of [document?.Statement ?? []].flat()) {
      if (statement.Effect !== 'Allow' || statement.Action === undefined) continue;
      for (const pattern of [statement.Action].flat()) {
        if (!used(pattern)) unused.add(pattern);
        else if (/[*?]/.test(pattern) && pattern !== '*') {
          for (const action of await expandIamActions(pattern)) if (!used(action)) unused.add(action);
        }
      }
    }
  }
  return [...unused].sort();
}

/**
 * Evaluates recorded calls against the policies of the roles that made them.
 * `roles`: the role ARNs to check (an array, a Set, or an object keyed by ARN); a call of any
 * other principal is only counted, as unattributed. Identical requests (role, action, resource,
 * context) are simulated once: perRole[role].distinct and .denied count those, .calls all calls.
 */
export async function evaluateCalls({ calls, account, roles, region, accountId }) {
  const checking = new Set(Array.isArray(roles) || roles instanceof Set ? roles : Object.keys(roles ?? {}));
  const result = { checked: 0, denied: [], unattributed: 0, errors: [], perRole: {}, unused: {} };
  const distinct = new Map();
  const usedActions = new Map([...checking].map((role) => [role, []]));
  for (const role of checking) {
    result.perRole[role] = { calls: 0, distinct: 0, denied: 0 };
    if (!account.roles?.[role]) result.errors.push({ role, action: null, resource: null, message: `role ${role} is not in the account`, sample: null });
  }
  for (const call of calls) {
    const role = attribute(call.principal, checking);
    if (!role) {
      result.unattributed++;
      continue;
    }
    result.checked++;
    result.perRole[role].calls++;
    usedActions.get(role).push(call.action);
    if (!account.roles?.[role]) continue;
    if (!Array.isArray(call.resources) || call.resources.length === 0) {
      result.errors.push({ role, action: call.action, resource: null, message: `resource unknown for ${call.action}`, sample: call });
      continue;
    }
    // AWS authorizes before it answers: a call moto refused (404, 412) is evaluated too.
    const context = requestContext(call, role, { region, accountId });
    for (const resource of call.resources) {
      const key = JSON.stringify([role, call.action, resource, stable(context)]);
      if (!distinct.has(key)) distinct.set(key, { role, action: call.action, resource, context, sample: call });
    }
  }
  for (const request of distinct.values()) {
    const { role, action, resource, sample } = request;
    result.perRole[role].distinct++;
    const outcome = await simulate(request, account, accountId);
    if (outcome.error) result.errors.push({ role, action, resource, message: outcome.error, sample });
    if (outcome.denied) {
      result.perRole[role].denied++;
      result.denied.push({ role, action, resource, reason: outcome.denied, sample });
    }
  }
  for (const role of checking) {
    if (account.roles?.[role]) result.unused[role] = await unusedActions(account.roles[role], usedActions.get(role));
  }
  return result;
}

/** Where a denial or error came from: the recorded operation, its answer and time. */
function via(sample) {
  const facts = [sample?.operation, sample?.status && `status ${sample.status}`, sample?.implied_by && `implied by ${sample.implied_by}`, sample?.time].filter(Boolean);
  return facts.length > 0 ? ` (${facts.join(', ')})` : '';
}

/** The human report: one line per role, denial and error, then the unused grants per role. */
export function formatReport(result) {
  const lines = [];
  for (const [role, counts] of Object.entries(result.perRole)) {
    lines.push(`permissions: ${roleName(role)}: ${counts.calls} calls, ${counts.distinct} distinct, ${counts.denied} denied`);
  }
  for (const d of result.denied) lines.push(`permissions: DENIED ${roleName(d.role)} ${d.action} on ${d.resource}: ${d.reason}${via(d.sample)}`);
  for (const e of result.errors) lines.push(`permissions: ERROR ${roleName(e.role)}${e.action ? ` ${e.action}` : ''}${e.resource ? ` on ${e.resource}` : ''}: ${e.message}${via(e.sample)}`);
  for (const [role, actions] of Object.entries(result.unused)) {
    if (actions.length > 0) lines.push(`permissions: ${roleName(role)}: granted but unused: ${actions.join(', ')}`);
  }
  lines.push(`permissions: ${result.checked} calls checked, ${result.denied.length} denied, ${result.errors.length} error(s), ${result.unattributed} unattributed`);
  return lines.join('\n');
}

/** Reads JSON lines; a line that does not parse is an error naming it, not a skipped call. */
export function parseCalls(text, file = 'calls') {
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line)];
    } catch (error) {
      throw new Error(`${file}:${index + 1}: ${error.message}`);
    }
  });
}

async function main(args) {
  const option = (name) => {
    const index = args.indexOf(`--${name}`);
    return index < 0 ? undefined : args[index + 1];
  };
  const [callsFile, accountFile, roles] = [option('calls'), option('account'), option('roles')];
  if (!callsFile || !accountFile || !roles) throw new Error('usage: permissions.mjs --calls FILE --account FILE --roles arn1,arn2 [--region R] [--account-id ID]');
  const calls = parseCalls(await readFile(callsFile, 'utf8'), callsFile);
  const account = JSON.parse(await readFile(accountFile, 'utf8'));
  const roleArns = roles.split(',').map((arn) => arn.trim()).filter(Boolean);
  const result = await evaluateCalls({
    calls,
    account,
    roles: roleArns,
    region: option('region') ?? process.env.AWS_REGION,
    accountId: option('account-id') ?? arnPart(roleArns[0], 4),
  });
  console.log(formatReport(result));
  return result.denied.length === 0 && result.errors.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`permissions: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
