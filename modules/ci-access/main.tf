data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.id
  partition = data.aws_partition.current.partition
  github    = "token.actions.githubusercontent.com"

  deployments = flatten([for env in var.environments : [for service in var.services : {
    env     = env
    service = service
    name    = "${var.project}-${env}-${service}"
    cluster = "${var.project}-${env}"
  }]])

  service_arns   = [for d in local.deployments : "arn:${local.partition}:ecs:${local.region}:${local.account}:service/${d.cluster}/${d.name}"]
  role_arns      = flatten([for d in local.deployments : [for kind in ["task", "execution"] : "arn:${local.partition}:iam::${local.account}:role/${d.name}-${kind}"]])
  log_group_arns = [for d in local.deployments : "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/ecs/${d.name}"]
  state_keys     = [for d in local.deployments : "arn:${local.partition}:s3:::${var.state_bucket_name}/${d.env}/${d.service}/*"]
  archive_keys   = [for env in var.environments : "arn:${local.partition}:s3:::${var.project}-${env}-archive-${local.account}/emails/*"]
  subjects = concat(
    ["repo:${var.github_repository}:ref:refs/heads/main"],
    [for env in var.environments : "repo:${var.github_repository}:environment:${env}"],
  )
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

data "aws_iam_policy_document" "trust" {
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

    # The main branch, and jobs bound to one of the deploy environments (whose token
    # subject is repo:<owner/name>:environment:<env>).
    condition {
      test     = "StringEquals"
      variable = "${local.github}:sub"
      values   = local.subjects
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.project}-github-deploy"
  description          = "Assumed by ${var.github_repository}'s workflows to push images and deploy the services"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "deploy" {
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

  statement {
    sid = "TaskDefinitions"
    # Task definition actions support no resource-level permission: AWS requires "*".
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:TagResource", "ecs:ListTagsForResource"]
    resources = ["*"]
  }

  statement {
    sid       = "DeployServices"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices", "ecs:TagResource"]
    resources = local.service_arns
  }

  statement {
    sid       = "PassServiceRoles"
    actions   = ["iam:PassRole"]
    resources = local.role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadServiceRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]
    resources = local.role_arns
  }

  statement {
    sid       = "ReadServiceLogGroups"
    actions   = ["logs:ListTagsForResource"]
    resources = local.log_group_arns
  }

  statement {
    sid = "DescribeForPlans"
    # Describe and list calls support no resource-level permission: AWS requires "*".
    actions = [
      "logs:DescribeLogGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
      "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
      "application-autoscaling:ListTagsForResource", "ecs:DescribeClusters",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket_name}"]
  }

  statement {
    sid       = "ReadStates"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket_name}/*"]
  }

  statement {
    sid       = "SmokeTestReadsItsObject"
    actions   = ["s3:GetObject"]
    resources = local.archive_keys
  }

  statement {
    sid       = "WriteServiceStates"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = local.state_keys
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy-services"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
