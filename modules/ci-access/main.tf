data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.id
  partition = data.aws_partition.current.partition
  github    = "token.actions.githubusercontent.com"

  # The one subject each role trusts: exact, never a pattern. A job bound to a GitHub
  # environment presents repo:<owner/name>:environment:<env>; a job on main without one,
  # repo:<owner/name>:ref:refs/heads/main.
  push_subject        = "repo:${var.github_repository}:ref:refs/heads/main"
  deploy_subjects     = { for env in var.environments : env => "repo:${var.github_repository}:environment:${env}" }
  state_bucket_arn    = "arn:${local.partition}:s3:::${var.state_bucket_name}"
  artifact_bucket_arn = "arn:${local.partition}:s3:::${var.artifact_bucket_name}"

  environments = { for env in var.environments : env => {
    services       = [for service in var.services : "${var.project}-${env}-${service}"]
    cluster        = "${var.project}-${env}"
    archive_bucket = "arn:${local.partition}:s3:::${var.project}-${env}-archive-${local.account}"
    functions      = [for service in var.services : "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.project}-${env}-${service}"]
  } }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://${local.github}"
}

locals {
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
}

# Trust: GitHub's OIDC tokens for STS, with exactly one subject.
data "aws_iam_policy_document" "trust" {
  for_each = merge({ push = local.push_subject }, { for env, subject in local.deploy_subjects : "deploy-${env}" => subject })

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github}:sub"
      values   = [each.value]
    }
  }
}

# The image job on main: push the two images, and nothing else.
resource "aws_iam_role" "push" {
  name                 = "${var.project}-github-push"
  description          = "Assumed by ${var.github_repository}'s workflow on main to push the service images"
  assume_role_policy   = data.aws_iam_policy_document.trust["push"].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "push" {
  statement {
    sid = "EcrLogin"
    # GetAuthorizationToken supports no resource-level permission: AWS requires "*".
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPush"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages",
    ]
    resources = var.ecr_repository_arns
  }

  # The Lambda jars, one per service and commit: s3://<artifacts>/<service>/<commit>.jar.
  statement {
    sid       = "PublishJars"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = [for service in var.services : "${local.artifact_bucket_arn}/${service}/*"]
  }

  statement {
    sid       = "EncryptJars"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.artifact_bucket_arn]
    }
  }
}

resource "aws_iam_role_policy" "push" {
  name   = "push-images"
  role   = aws_iam_role.push.id
  policy = data.aws_iam_policy_document.push.json
}

# One deploy role per environment, trusted only by jobs bound to that GitHub environment
# (whose protection rules, such as prod's reviewers, gate the job): it applies that
# environment's two service units and smoke-tests them.
resource "aws_iam_role" "deploy" {
  for_each = local.environments

  name                 = "${var.project}-github-deploy-${each.key}"
  description          = "Assumed by ${var.github_repository}'s ${each.key} deployment job to deploy the ${each.key} services"
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy-${each.key}"].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "deploy" {
  for_each = local.environments

  statement {
    sid = "TaskDefinitions"
    # Task definition actions support no resource-level permission: AWS requires "*".
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTagsForResource"]
    resources = ["*"]
  }

  # Tags of a new revision (RegisterTaskDefinition with tags): on this environment's task
  # definition families only. On "*", one environment's role could retag the other's services
  # (the rehearsal's policy-properties check found it).
  statement {
    sid       = "TagTaskDefinitions"
    actions   = ["ecs:TagResource"]
    resources = [for service in each.value.services : "arn:${local.partition}:ecs:${local.region}:${local.account}:task-definition/${service}:*"]
  }

  statement {
    sid       = "DeployServices"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices", "ecs:TagResource"]
    resources = [for service in each.value.services : "arn:${local.partition}:ecs:${local.region}:${local.account}:service/${each.value.cluster}/${service}"]
  }

  # wait_for_steady_state: provider 6.x follows the deployment an update started
  # (ListServiceDeployments on the service, DescribeServiceDeployments on the service and
  # the deployment, whose ARN ends in an id ECS chooses).
  statement {
    sid     = "WatchServiceDeployments"
    actions = ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"]
    resources = flatten([for service in each.value.services : [
      "arn:${local.partition}:ecs:${local.region}:${local.account}:service/${each.value.cluster}/${service}",
      "arn:${local.partition}:ecs:${local.region}:${local.account}:service-deployment/${each.value.cluster}/${service}/*",
    ]])
  }

  statement {
    sid       = "PassServiceRoles"
    actions   = ["iam:PassRole"]
    resources = flatten([for service in each.value.services : [for kind in ["task", "execution"] : "arn:${local.partition}:iam::${local.account}:role/${service}-${kind}"]])

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadServiceRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]
    resources = flatten([for service in each.value.services : [for kind in ["task", "execution"] : "arn:${local.partition}:iam::${local.account}:role/${service}-${kind}"]])
  }

  statement {
    sid       = "ReadServiceLogGroups"
    actions   = ["logs:ListTagsForResource"]
    resources = [for service in each.value.services : "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/ecs/${service}"]
  }

  statement {
    sid = "DescribeForPlans"
    # Describe and list calls support no resource-level permission: AWS requires "*".
    actions = [
      "logs:DescribeLogGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
      "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
      "application-autoscaling:ListTagsForResource", "ecs:DescribeClusters",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = ["*"]
  }

  # Services on Lambda (env.hcl): a new jar is a new version of the function and its alias.
  statement {
    sid = "DeployFunctions"
    actions = [
      "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
      "lambda:PublishVersion", "lambda:ListVersionsByFunction", "lambda:GetAlias", "lambda:UpdateAlias",
      "lambda:GetPolicy", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags",
    ]
    resources = flatten([for function in each.value.functions : [function, "${function}:*"]])
  }

  # Every deploy retags the function with the jar it runs (the Artifact tag of
  # modules/lambda-function). The provider sends only the tags that changed, and the key
  # stays, so nothing is untagged; no other tag may be set.
  statement {
    sid       = "RetagFunctions"
    actions   = ["lambda:TagResource"]
    resources = each.value.functions

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = ["Artifact"]
    }
  }

  # The worker's queue trigger, read on every refresh with its tags. A mapping's ARN
  # carries an id AWS chooses: the tags root.hcl puts on every resource (default_tags)
  # keep each role to its own environment's mappings.
  statement {
    sid       = "ReadQueueTriggers"
    actions   = ["lambda:GetEventSourceMapping", "lambda:ListTags"]
    resources = ["arn:${local.partition}:lambda:${local.region}:${local.account}:event-source-mapping:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.project]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "PassFunctionRoles"
    actions   = ["iam:PassRole"]
    resources = [for service in each.value.services : "arn:${local.partition}:iam::${local.account}:role/${service}-function"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadFunctionRolesAndLogs"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "logs:ListTagsForResource"]
    resources = flatten([for service in each.value.services : ["arn:${local.partition}:iam::${local.account}:role/${service}-function", "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${service}"]])
  }

  # Lambda reads the jar with the caller's permissions.
  statement {
    sid       = "ReadJars"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for service in var.services : "${local.artifact_bucket_arn}/${service}/*"]
  }

  statement {
    sid       = "DecryptJars"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.artifact_bucket_arn]
    }
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  # The service units read the outputs of their environment's units and of the registry.
  statement {
    sid       = "ReadStates"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/${each.key}/*", "${local.state_bucket_arn}/global/registry/*", "${local.state_bucket_arn}/global/artifacts/*"]
  }

  statement {
    sid       = "WriteServiceStates"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [for service in var.services : "${local.state_bucket_arn}/${each.key}/${service}/*"]
  }

  statement {
    sid       = "SmokeTestReadsItsObject"
    actions   = ["s3:GetObject"]
    resources = ["${each.value.archive_bucket}/emails/*"]
  }

  # The archive is encrypted with its own key (SSE-KMS with a bucket key): decrypt only
  # through S3, only for this environment's bucket.
  statement {
    sid       = "SmokeTestDecryptsItsObject"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [each.value.archive_bucket]
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  for_each = local.environments

  name   = "deploy-services"
  role   = aws_iam_role.deploy[each.key].id
  policy = data.aws_iam_policy_document.deploy[each.key].json
}
