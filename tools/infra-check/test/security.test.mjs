import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSecurity } from '../security.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository's own modules and prod env.hcl, copied, so each test can break one thing. */
async function repoTree() {
  const files = {};
  for (const module of ['archive-bucket', 'queue', 'service', 'network', 'alb', 'token', 'ci-access', 'observability', 'lambda-function']) {
    for (const name of ['main.tf', 'variables.tf']) {
      files[`modules/${module}/${name}`] = await readFile(path.join(REPO, 'modules', module, name), 'utf8');
    }
  }
  files['live/prod/env.hcl'] = await readFile(path.join(REPO, 'live/prod/env.hcl'), 'utf8');
  return files;
}

async function check(files) {
  const root = await mkdtemp(path.join(tmpdir(), 'security-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return [...new Set((await checkSecurity(root)).map((f) => f.rule))].sort();
}

async function breaking(file, from, to) {
  const tree = await repoTree();
  assert.ok(tree[file].includes(from), `fixture: "${from}" not found in ${file}`);
  tree[file] = tree[file].replace(from, to);
  return check(tree);
}

test('the repository passes every security rule', async () => {
  assert.deepEqual(await checkSecurity(REPO), []);
  assert.deepEqual(await check(await repoTree()), []);
});

const cases = [
  ['sec-s3-public-access', 'modules/archive-bucket/main.tf', 'restrict_public_buckets = true', 'restrict_public_buckets = false'],
  ['sec-s3-ownership', 'modules/archive-bucket/main.tf', '"BucketOwnerEnforced"', '"ObjectWriter"'],
  ['sec-s3-encryption', 'modules/archive-bucket/main.tf', 'resource "aws_s3_bucket_server_side_encryption_configuration" "this"', 'resource "aws_s3_bucket_metric" "this"'],
  ['sec-s3-tls-only', 'modules/archive-bucket/main.tf', 'resource "aws_s3_bucket_policy" "tls_only"', 'resource "aws_s3_bucket_notification" "tls_only"'],
  ['sec-sqs-encryption', 'modules/queue/main.tf', '  sqs_managed_sse_enabled           = local.kms ? null : true\n  kms_master_key_id                 = var.kms_key_arn\n  kms_data_key_reuse_period_seconds = local.kms ? 300 : null\n\n  redrive_policy', '\n  redrive_policy'],
  ['sec-sqs-dlq', 'modules/queue/main.tf', '  redrive_policy = jsonencode({', '  other_policy = jsonencode({'],
  ['sec-log-retention', 'modules/service/main.tf', '  retention_in_days = var.log_retention_days\n', ''],
  ['sec-circuit-breaker', 'modules/service/main.tf', '    rollback = true', '    rollback = false'],
  ['sec-no-public-ip', 'modules/service/main.tf', 'assign_public_ip = false', 'assign_public_ip = true'],
  ['sec-no-public-ip', 'modules/network/main.tf', 'map_public_ip_on_launch = false', 'map_public_ip_on_launch = true'],
  ['sec-task-ingress', 'modules/service/main.tf', 'referenced_security_group_id = var.load_balancer.security_group_id', 'cidr_ipv4                    = "0.0.0.0/0"'],
  ['sec-task-role-distinct', 'modules/service/main.tf', 'task_role_arn            = aws_iam_role.task.arn', 'task_role_arn            = aws_iam_role.execution.arn'],
  ['sec-alb-invalid-headers', 'modules/alb/main.tf', 'drop_invalid_header_fields = true', 'drop_invalid_header_fields = false'],
  ['sec-ssm-secure-string', 'modules/token/main.tf', 'type             = "SecureString"', 'type             = "String"'],
  ['sec-iam-wildcard-action', 'modules/observability/main.tf', 'actions   = ["kms:Decrypt", "kms:GenerateDataKey"]', 'actions   = ["kms:*"]'],
  ['sec-oidc-trust-wildcard', 'modules/ci-access/main.tf', 'push_subject        = "repo:${var.github_repository}:ref:refs/heads/main"', 'push_subject        = "repo:*"'],
  ['sec-oidc-trust-wildcard', 'modules/ci-access/main.tf', 'test     = "StringEquals"\n      variable = "${local.github}:sub"', 'test     = "StringLike"\n      variable = "${local.github}:sub"'],
  ['sec-ssm-value-in-state', 'modules/token/main.tf', 'value_wo         = ephemeral.aws_secretsmanager_random_password.token.random_password', 'value            = "plain"'],
  ['sec-iam-wildcard-action', 'modules/ci-access/main.tf', '"ecs:UpdateService", "ecs:DescribeServices"', '"ecs:*", "ecs:DescribeServices"'],
  ['sec-iam-wildcard-resource', 'modules/service/main.tf', 'resources = [var.repository_arn]', 'resources = ["*"]'],
  ['sec-prod-deletion-protection', 'live/prod/env.hcl', 'deletion_protection  = true', 'deletion_protection  = false'],
  ['sec-role-policy-first', 'modules/lambda-function/main.tf', 'depends_on = [aws_iam_role_policy.platform, aws_iam_role_policy.application]', 'depends_on = [aws_iam_role_policy.platform]'],
  ['sec-role-policy-first', 'modules/service/main.tf', '  depends_on = [aws_iam_role_policy.task, aws_iam_role_policy.execution]\n}\n\nresource "aws_security_group"', '}\n\nresource "aws_security_group"'],
  ['sec-role-policy-first', 'modules/service/main.tf', '  depends_on = [aws_iam_role_policy.task, aws_iam_role_policy.execution]\n}\n\nresource "aws_appautoscaling_target"', '  depends_on = [aws_iam_role_policy.task]\n}\n\nresource "aws_appautoscaling_target"'],
];

for (const [rule, file, from, to] of cases) {
  test(`${rule} fires when ${file} is broken`, async () => {
    assert.ok((await breaking(file, from, to)).includes(rule));
  });
}
