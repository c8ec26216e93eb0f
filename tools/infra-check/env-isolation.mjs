// Property env-isolation of policy-properties.mjs: no role of one environment reaches the
// other environment's resources or state. The requests such a role must be denied:
//   (a) its own Allow statements with the environment swapped in their resources and
//       conditions (the other archive's kms:EncryptionContext, a tag Environment=prod);
//   (b) what the other environment's roles are granted for that environment only, with their
//       conditions: a condition that keeps the role's own grant to its environment is tested,
//       even on a resource named by no environment, such as key/*;
//   (c) every action of its statements on the other environment's resources and roles in the
//       dump and on its state objects.
import { expandIamActions } from '@cloud-copilot/iam-expand';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { policyOwner } from './permissions.mjs';
import {
  allowStatements, arnPart, concretize, conditionContext, escapeRegExp, list, namesEnvironment, policyFor, roleName,
  rolePrincipal, simulate, swapEnvironment,
} from './policy-probes.mjs';

export const ENVIRONMENTS = ['dev', 'prod'];

const expansions = new Map();
/** The actions a statement's patterns grant in one service ("*" and "s3:Get*" expanded). */
async function actionsIn(statement, service) {
  const actions = new Set();
  for (const pattern of list(statement.Action)) {
    const scoped = pattern === '*' ? `${service}:*` : pattern;
    if (scoped.split(':')[0].toLowerCase() !== service) continue;
    if (!/[*?]/.test(scoped)) {
      actions.add(scoped);
      continue;
    }
    if (!expansions.has(scoped)) expansions.set(scoped, await expandIamActions(scoped));
    for (const action of expansions.get(scoped)) actions.add(action);
  }
  return [...actions];
}

// The services whose actions apply to an ARN: a role's ARN is iam's, and sts:AssumeRole's.
const servicesOf = (arn) => (arnPart(arn, 2) === 'iam' ? ['iam', 'sts'] : [arnPart(arn, 2)]);

/** Every action of a statement on each target, as { action, target, context }. */
async function requestsOn(statement, targets, context) {
  const requests = [];
  for (const target of targets) {
    for (const service of servicesOf(target)) {
      for (const action of await actionsIn(statement, service)) {
        if (!(await isWildcardOnlyAction(...action.split(':')))) requests.push({ action, target, context });
      }
    }
  }
  return requests;
}

/** The role's environment, for a role named <project>-<env>-... or <project>-github-deploy-<env>. */
export function environmentOf(name, project) {
  const match = new RegExp(`^${escapeRegExp(project)}-(?:(${ENVIRONMENTS.join('|')})-|github-deploy-(${ENVIRONMENTS.join('|')})$)`).exec(name);
  return match ? match[1] ?? match[2] : undefined;
}

async function counterpartRequests(account, held, { own, other, project, accountId }) {
  const swap = (value) => swapEnvironment(value, own, other);
  const theirs = [`arn:aws:s3:::${project}-tfstate-${accountId}/${other}/x`];
  for (const [arn, resource] of Object.entries(account.resources ?? {})) {
    if (namesEnvironment(arn, other)) theirs.push(arn, ...(resource.kind === 'bucket' ? [`${arn}/x`] : []));
  }
  for (const arn of Object.keys(account.roles ?? {})) if (namesEnvironment(arn, other)) theirs.push(arn);
  const requests = [];
  for (const { statement } of allowStatements(held)) {
    const context = conditionContext(statement.Condition, swap);
    const conditioned = JSON.stringify(context) !== JSON.stringify(conditionContext(statement.Condition));
    const swapped = list(statement.Resource).filter((r) => r !== '*' && (swap(r) !== r || conditioned)).map((r) => concretize(swap(r)));
    requests.push(...(await requestsOn(statement, [...swapped, ...theirs], context)));
  }
  for (const [arn, theirRole] of Object.entries(account.roles ?? {})) {
    if (environmentOf(roleName(arn, theirRole), project) !== other) continue;
    for (const { statement } of allowStatements(theirRole)) {
      const context = conditionContext(statement.Condition);
      const conditioned = Object.values(context).flat().some((value) => namesEnvironment(value, other));
      const targets = list(statement.Resource).filter((r) => r !== '*' && (namesEnvironment(r, other) || conditioned)).map(concretize);
      requests.push(...(await requestsOn(statement, targets, context)));
    }
  }
  return requests;
}

export async function environmentIsolation(account, { accountId, region, project }) {
  const findings = [];
  for (const [arn, held] of Object.entries(account.roles ?? {})) {
    const own = environmentOf(roleName(arn, held), project);
    if (!own) continue;
    const who = rolePrincipal(arn, held, { region });
    for (const other of ENVIRONMENTS.filter((env) => env !== own)) {
      const reached = new Map();
      const asked = new Set();
      const errors = new Set();
      for (const { action, target, context } of await counterpartRequests(account, held, { own, other, project, accountId })) {
        const key = JSON.stringify([action, target, context]);
        if (asked.has(key)) continue;
        asked.add(key);
        const result = await simulate(who, action, target, { resourcePolicy: policyFor(account, action, target), context, accountId });
        if (result.error) errors.add(`${action} on ${target}: ${result.error}`);
        if (!result.allowed) continue;
        // One finding per resource policy's owner: the bucket of its objects, the function of its versions.
        const owner = policyOwner(target);
        if (!reached.has(owner)) reached.set(owner, { actions: new Set(), targets: new Set(), grant: result.grant });
        reached.get(owner).actions.add(action);
        reached.get(owner).targets.add(target);
      }
      for (const { actions, targets, grant } of reached.values()) {
        const all = [...actions];
        const shown = all.length > 4 ? `${all.slice(0, 4).join(', ')} (+${all.length - 4} more)` : all.join(', ');
        findings.push({ property: 'env-isolation', subject: arn, message: `${roleName(arn, held)} (${own}) may ${shown} on ${[...targets].join(', ')}, of ${other}: allowed by ${grant}` });
      }
      for (const message of errors) findings.push({ property: 'env-isolation', subject: arn, message });
    }
  }
  return findings;
}
