// Security policy of the Terraform modules and the prod stack, offline. Each rule has an
// id; `file:line rule-id message` per finding.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { lineOf } from './files.mjs';

/**
 * Actions that AWS allows only on resource "*" (no resource-level permissions), and
 * why each is needed; the only ones an Allow statement may grant on "*".
 */
export const STAR_RESOURCE_ALLOWED = new Map([
  ['ecr:GetAuthorizationToken', 'registry login'],
  ['ecs:RegisterTaskDefinition', 'new task definition revisions'],
  ['ecs:DeregisterTaskDefinition', 'old revisions'],
  ['ecs:DescribeTaskDefinition', 'plans refresh revisions'],
  ['ecs:TagResource', 'tags on new revisions'],
  ['ecs:ListTagsForResource', 'plans refresh tags of revisions'],
  ['ecs:DescribeClusters', 'plans refresh the cluster'],
  ['logs:DescribeLogGroups', 'plans refresh log groups'],
  ['ec2:DescribeSecurityGroups', 'plans refresh security groups'],
  ['ec2:DescribeSecurityGroupRules', 'plans refresh security group rules'],
  ['application-autoscaling:DescribeScalableTargets', 'plans refresh scaling'],
  ['application-autoscaling:DescribeScalingPolicies', 'plans refresh scaling'],
  ['application-autoscaling:ListTagsForResource', 'plans refresh scaling tags'],
  ['elasticloadbalancing:DescribeTargetHealth', 'plans refresh the Lambda target of the load balancer'],
]);

async function readModules(root) {
  const modules = [];
  const dir = path.join(root, 'modules');
  let entries = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return modules;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const files = [];
    for (const name of (await readdir(path.join(dir, entry.name))).filter((n) => n.endsWith('.tf')).sort()) {
      const file = path.join(dir, entry.name, name);
      const text = await readFile(file, 'utf8');
      files.push({ file: path.relative(root, file), text, json: await parse(file, text) });
    }
    modules.push({ name: entry.name, files });
  }
  return modules;
}

function resources(module, type) {
  const found = [];
  for (const f of module.files) {
    for (const [name, bodies] of Object.entries(f.json.resource?.[type] ?? {})) {
      for (const body of bodies) found.push({ name, body, file: f.file, line: lineOf(f.text, `resource "${type}" "${name}"`), text: f.text });
    }
  }
  return found;
}

function dataBlocks(module, type) {
  const found = [];
  for (const f of module.files) {
    for (const [name, bodies] of Object.entries(f.json.data?.[type] ?? {})) {
      for (const body of bodies) found.push({ name, body, file: f.file, line: lineOf(f.text, `data "${type}" "${name}"`) });
    }
  }
  return found;
}

const block = (value) => (Array.isArray(value) ? value[0] : value) ?? {};
const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Checks the modules and the prod environment; returns findings. */
export async function checkSecurity(root) {
  const findings = [];
  const add = (at, rule, message) => findings.push({ file: at.file, line: at.line, rule, message });
  for (const module of await readModules(root)) {
    const buckets = resources(module, 'aws_s3_bucket');
    for (const bucket of buckets) {
      const pab = resources(module, 'aws_s3_bucket_public_access_block')[0];
      const all = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      if (!pab || !all.every((key) => pab.body[key] === true)) add(bucket, 'sec-s3-public-access', 'the bucket needs all four Block Public Access settings true');
      const ownership = resources(module, 'aws_s3_bucket_ownership_controls')[0];
      if (!ownership || block(ownership.body.rule).object_ownership !== 'BucketOwnerEnforced') add(bucket, 'sec-s3-ownership', 'the bucket needs BucketOwnerEnforced ownership');
      if (resources(module, 'aws_s3_bucket_server_side_encryption_configuration').length === 0) add(bucket, 'sec-s3-encryption', 'the bucket needs default encryption');
      const tls = module.files.some((f) => f.text.includes('aws:SecureTransport')) && resources(module, 'aws_s3_bucket_policy').length > 0;
      if (!tls) add(bucket, 'sec-s3-tls-only', 'the bucket needs a policy denying requests without TLS (aws:SecureTransport)');
    }
    for (const queue of resources(module, 'aws_sqs_queue')) {
      const encrypted = queue.body.sqs_managed_sse_enabled !== undefined || queue.body.kms_master_key_id !== undefined;
      if (!encrypted) add(queue, 'sec-sqs-encryption', `queue "${queue.name}" needs SSE-SQS or a KMS key`);
      const isDeadLetter = /dead|dlq/i.test(queue.name);
      if (!isDeadLetter && queue.body.redrive_policy === undefined) add(queue, 'sec-sqs-dlq', `queue "${queue.name}" needs a redrive policy to a dead-letter queue`);
    }
    for (const group of resources(module, 'aws_cloudwatch_log_group')) {
      if (group.body.retention_in_days === undefined) add(group, 'sec-log-retention', `log group "${group.name}" needs a retention`);
    }
    for (const service of resources(module, 'aws_ecs_service')) {
      const breaker = block(service.body.deployment_circuit_breaker);
      if (breaker.enable !== true || breaker.rollback !== true) add(service, 'sec-circuit-breaker', 'the service needs a deployment circuit breaker with rollback');
      if (block(service.body.network_configuration).assign_public_ip !== false) add(service, 'sec-no-public-ip', 'tasks must not get public IPs (assign_public_ip = false)');
      for (const rule of resources(module, 'aws_vpc_security_group_ingress_rule')) {
        if (rule.body.referenced_security_group_id === undefined) add(rule, 'sec-task-ingress', 'task ingress must come only from the load balancer\'s security group');
      }
    }
    for (const subnet of resources(module, 'aws_subnet')) {
      if (subnet.body.map_public_ip_on_launch !== false) add(subnet, 'sec-no-public-ip', `subnet "${subnet.name}" must not assign public IPs on launch`);
    }
    for (const definition of resources(module, 'aws_ecs_task_definition')) {
      if (!definition.body.task_role_arn || definition.body.task_role_arn === definition.body.execution_role_arn) add(definition, 'sec-task-role-distinct', 'the task role must be set and differ from the execution role');
    }
    // Nothing runs with a role before the role may do its work: a task definition, the
    // service that starts its tasks and a function each depend on every policy of the
    // roles they run with (Terraform would otherwise create them side by side, and IAM
    // takes a while to apply a new policy).
    const policies = ['aws_iam_role_policy', 'aws_iam_role_policy_attachment'].flatMap((type) =>
      resources(module, type).map((policy) => ({ ref: `${type}.${policy.name}`, role: /aws_iam_role\.([\w-]+)\./.exec(String(policy.body.role ?? ''))?.[1] })));
    const runners = [
      ...resources(module, 'aws_ecs_task_definition').map((definition) => ({ ...definition, type: 'aws_ecs_task_definition', roles: [definition.body.task_role_arn, definition.body.execution_role_arn] })),
      ...resources(module, 'aws_lambda_function').map((fn) => ({ ...fn, type: 'aws_lambda_function', roles: [fn.body.role] })),
    ];
    for (const service of resources(module, 'aws_ecs_service')) {
      const definition = runners.find((runner) => String(service.body.task_definition ?? '').includes(`aws_ecs_task_definition.${runner.name}.`));
      if (definition) runners.push({ ...service, type: 'aws_ecs_service', roles: definition.roles });
    }
    for (const runner of runners) {
      const roles = runner.roles.map((arn) => /aws_iam_role\.([\w-]+)\./.exec(String(arn ?? ''))?.[1]).filter(Boolean);
      const missing = policies.filter((policy) => roles.includes(policy.role) && !list(runner.body.depends_on).includes(`\${${policy.ref}}`));
      if (missing.length > 0) add(runner, 'sec-role-policy-first', `${runner.type} "${runner.name}" must depends_on ${missing.map((policy) => policy.ref).join(', ')}: it could start before its role may do its work`);
    }
    for (const lb of resources(module, 'aws_lb')) {
      if (lb.body.drop_invalid_header_fields !== true) add(lb, 'sec-alb-invalid-headers', 'the load balancer must drop invalid header fields');
    }
    for (const parameter of resources(module, 'aws_ssm_parameter')) {
      if (parameter.body.type !== 'SecureString') add(parameter, 'sec-ssm-secure-string', 'the parameter must be a SecureString');
      if (parameter.body.value !== undefined || parameter.body.insecure_value !== undefined) add(parameter, 'sec-ssm-value-in-state', 'the value must be write-only (value_wo), never in state');
    }
    // GitHub OIDC trust: exact subjects only. A pattern (StringLike, or a * in a subject)
    // lets any repository, branch or environment that matches assume the role.
    for (const f of module.files) {
      for (const match of f.text.matchAll(/"repo:[^"\n]*\*[^"\n]*"/g)) {
        findings.push({ file: f.file, line: f.text.slice(0, match.index).split('\n').length, rule: 'sec-oidc-trust-wildcard', message: `GitHub OIDC subject ${match[0]} is a pattern: trust exact subjects` });
      }
    }
    // In a key policy, resource "*" means the key itself, and the account root's kms:* is
    // AWS's default administration statement.
    const keyPolicies = new Set(resources(module, 'aws_kms_key').map((key) => /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(String(key.body.policy ?? ''))?.[1]).filter(Boolean));
    for (const document of dataBlocks(module, 'aws_iam_policy_document')) {
      const keyPolicy = keyPolicies.has(document.name);
      for (const statement of list(document.body.statement)) {
        for (const condition of list(statement.condition)) {
          if (String(condition.variable ?? '').endsWith(':sub') && (condition.test !== 'StringEquals' || list(condition.values).some((value) => String(value).includes('*')))) {
            add(document, 'sec-oidc-trust-wildcard', `policy "${document.name}" matches the OIDC subject with ${condition.test}: trust exact subjects (StringEquals)`);
          }
        }
        const actions = list(statement.actions);
        const allow = (statement.effect ?? 'Allow') === 'Allow';
        const accountRoot = list(statement.principals).some((principal) => principal.type === 'AWS' && list(principal.identifiers).every((id) => /:iam::.*:root$/.test(String(id))));
        const wildcardActions = actions.filter((action) => String(action).includes('*') && !(keyPolicy && accountRoot && action === 'kms:*'));
        if (allow && wildcardActions.length > 0) add(document, 'sec-iam-wildcard-action', `policy "${document.name}" allows a wildcard action`);
        if (allow && !keyPolicy && list(statement.resources).includes('*')) {
          const extra = actions.filter((action) => !STAR_RESOURCE_ALLOWED.has(action));
          if (extra.length > 0) add(document, 'sec-iam-wildcard-resource', `policy "${document.name}" allows ${extra.join(', ')} on "*"`);
        }
      }
    }
  }
  try {
    const file = path.join(root, 'live/prod/env.hcl');
    const text = await readFile(file, 'utf8');
    const locals = block((await parse(file, text)).locals);
    if (locals.deletion_protection !== true) findings.push({ file: 'live/prod/env.hcl', line: lineOf(text, 'deletion_protection'), rule: 'sec-prod-deletion-protection', message: 'prod must have deletion protection on' });
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return findings;
}
