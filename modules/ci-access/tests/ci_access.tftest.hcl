mock_provider "aws" {
  source = "../_test"
}

variables {
  project              = "ingest-pipeline"
  environments         = ["dev", "prod"]
  github_repository    = "ingest-maintainers/ingest-pipeline"
  ecr_repository_arns  = ["arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/api"]
  state_bucket_name    = "ingest-pipeline-tfstate-123456789012"
  artifact_bucket_name = "ingest-pipeline-artifacts-123456789012"
}

run "creates_the_oidc_provider" {
  command = plan

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && length(data.aws_iam_openid_connect_provider.github) == 0
    error_message = "By default the module creates the account's GitHub OIDC provider."
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The provider is GitHub's, for STS."
  }
}

run "uses_an_existing_oidc_provider" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(data.aws_iam_openid_connect_provider.github) == 1
    error_message = "With create_oidc_provider = false, the account's provider is looked up, not created (no EntityAlreadyExists)."
  }
}

run "applied" {
  command = apply

  assert {
    condition = alltrue([for document in data.aws_iam_policy_document.trust : alltrue([for statement in document.statement : alltrue([
      for condition in statement.condition : condition.test == "StringEquals" && alltrue([for value in condition.values : !strcontains(value, "*")])
    ])])])
    error_message = "Every trust condition matches exactly (StringEquals, no wildcard): a pattern such as repo:* would let any repository or branch assume the role."
  }

  assert {
    condition = flatten([for statement in data.aws_iam_policy_document.trust["push"].statement : [
      for condition in statement.condition : tolist(condition.values) if condition.variable == "token.actions.githubusercontent.com:sub"
    ]]) == ["repo:ingest-maintainers/ingest-pipeline:ref:refs/heads/main"]
    error_message = "The image-push role trusts only the main branch."
  }

  assert {
    condition = alltrue([for env in ["dev", "prod"] : flatten([for statement in data.aws_iam_policy_document.trust["deploy-${env}"].statement : [
      for condition in statement.condition : tolist(condition.values) if condition.variable == "token.actions.githubusercontent.com:sub"
    ]]) == ["repo:ingest-maintainers/ingest-pipeline:environment:${env}"]])
    error_message = "Each deploy role trusts only jobs bound to its own GitHub environment: a dev job, or any job on main, cannot assume prod's."
  }

  assert {
    condition     = aws_iam_role.deploy["prod"].assume_role_policy == data.aws_iam_policy_document.trust["deploy-prod"].json && aws_iam_role.push.assume_role_policy == data.aws_iam_policy_document.trust["push"].json
    error_message = "Each role carries its own trust policy."
  }

  assert {
    condition = alltrue(flatten([for statement in data.aws_iam_policy_document.deploy["dev"].statement : [
      for resource in statement.resources : !strcontains(resource, "-prod-") && !strcontains(resource, "/prod/")
    ]]))
    error_message = "The dev deploy role reaches nothing of prod."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.push.statement :
    alltrue([for action in statement.actions : startswith(action, "ecr:") || contains(["s3:PutObject", "s3:GetObject", "kms:GenerateDataKey", "kms:Decrypt"], action)])])
    error_message = "The push role can only push images and jars."
  }

  assert {
    condition = alltrue(flatten([for statement in data.aws_iam_policy_document.push.statement : [
      for resource in statement.resources : !startswith(resource, "arn:aws:s3:::") || startswith(resource, "arn:aws:s3:::ingest-pipeline-artifacts-123456789012/")
    ]]))
    error_message = "The push role writes only into the artifacts bucket."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.deploy["dev"].statement :
      !anytrue([for action in statement.actions : startswith(action, "lambda:")]) ||
      alltrue([for resource in statement.resources : startswith(resource, "arn:aws:lambda:eu-west-1:123456789012:function:ingest-pipeline-dev-")]) ||
      statement.sid == "ReadQueueTriggers"
    ])
    error_message = "The dev deploy role updates only dev's functions."
  }

  # A mapping's ARN names no function or environment: its tags must.
  assert {
    condition = alltrue([for env in ["dev", "prod"] : alltrue([for statement in data.aws_iam_policy_document.deploy[env].statement :
      toset([for condition in statement.condition : "${condition.test} ${condition.variable} ${join(",", condition.values)}"]) == toset([
        "StringEquals aws:ResourceTag/Project ingest-pipeline", "StringEquals aws:ResourceTag/Environment ${env}",
      ]) if anytrue([for resource in statement.resources : strcontains(resource, ":event-source-mapping:")])
    ])])
    error_message = "Each deploy role reads only the queue triggers tagged with its own project and environment."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.deploy["prod"].statement :
      toset([for condition in statement.condition : "${condition.test} ${condition.variable} ${join(",", condition.values)}"]) == toset(["ForAllValues:StringEquals aws:TagKeys Artifact"])
      if contains(statement.actions, "lambda:TagResource")
    ])
    error_message = "A deploy may retag its functions' Artifact (the jar they run) and no other tag."
  }

  assert {
    condition = alltrue(flatten([for document in concat([data.aws_iam_policy_document.push], values(data.aws_iam_policy_document.deploy)) : [
      for statement in document.statement : [for action in statement.actions : !endswith(action, ":*") && action != "*"]
    ]]))
    error_message = "No CI role has a wildcard action."
  }

  assert {
    condition = alltrue(flatten([for document in concat([data.aws_iam_policy_document.push], values(data.aws_iam_policy_document.deploy)) : [
      for statement in document.statement : !contains(statement.resources, "*") || contains(["EcrLogin", "TaskDefinitions", "DescribeForPlans"], statement.sid)
    ]]))
    error_message = "Only actions without resource-level permissions use the \"*\" resource."
  }

  assert {
    condition     = keys(output.deploy_role_arns) == ["dev", "prod"] && output.push_role_arn != null
    error_message = "One deploy role per environment and one push role."
  }
}

# The calls a CD apply of an environment's api and worker units makes, on either runtime, each
# with the resource it names (ENV: the environment): refresh and update after a new
# IMAGE_TAG, recorded with TF_LOG=debug from provider 5.100.0 against moto, and provider
# 6.x's wait for ECS steady state (ListServiceDeployments, DescribeServiceDeployments). Each
# must be allowed by its environment's deploy role: by action, and resource by its pattern.
# Conditions narrow some of them further (asserted in "applied").
run "a_deploy_can_make_every_call_it_makes" {
  command = plan

  variables {
    deploy_calls = [
      { actions = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:TagResource"], resource = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ingest-pipeline-ENV-api:7" },
      { actions = ["ecs:DescribeServices", "ecs:UpdateService", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"], resource = "arn:aws:ecs:eu-west-1:123456789012:service/ingest-pipeline-ENV/ingest-pipeline-ENV-worker" },
      { actions = ["ecs:DescribeServiceDeployments"], resource = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/ingest-pipeline-ENV/ingest-pipeline-ENV-api/ejGvqq2ilnbKT9qj0vLJe" },
      { actions = ["iam:PassRole", "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], resource = "arn:aws:iam::123456789012:role/ingest-pipeline-ENV-api-task" },
      { actions = ["iam:PassRole", "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], resource = "arn:aws:iam::123456789012:role/ingest-pipeline-ENV-worker-execution" },
      { actions = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], resource = "arn:aws:iam::123456789012:role/ingest-pipeline-ENV-worker-function" },
      { actions = ["logs:DescribeLogGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "elasticloadbalancing:DescribeTargetHealth"], resource = "*" },
      { actions = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:ListTagsForResource"], resource = "*" },
      { actions = ["logs:ListTagsForResource"], resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ingest-pipeline-ENV-api" },
      { actions = ["logs:ListTagsForResource"], resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/ingest-pipeline-ENV-worker" },
      { actions = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction", "lambda:ListTags"], resource = "arn:aws:lambda:eu-west-1:123456789012:function:ingest-pipeline-ENV-api" },
      { actions = ["lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:TagResource"], resource = "arn:aws:lambda:eu-west-1:123456789012:function:ingest-pipeline-ENV-worker" },
      { actions = ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetPolicy"], resource = "arn:aws:lambda:eu-west-1:123456789012:function:ingest-pipeline-ENV-api:live" },
      { actions = ["lambda:GetEventSourceMapping", "lambda:ListTags"], resource = "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:d39fd0e3-0c11-4168-b302-21c7f3f0f431" },
      { actions = ["s3:GetObject"], resource = "arn:aws:s3:::ingest-pipeline-artifacts-123456789012/worker/0123456789ab.jar" },
      { actions = ["s3:ListBucket"], resource = "arn:aws:s3:::ingest-pipeline-tfstate-123456789012" },
      { actions = ["s3:GetObject"], resource = "arn:aws:s3:::ingest-pipeline-tfstate-123456789012/ENV/queue/terraform.tfstate" },
      { actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resource = "arn:aws:s3:::ingest-pipeline-tfstate-123456789012/ENV/api/terraform.tfstate.tflock" },
    ]
  }

  # A pattern's * stands for any characters (the ARNs hold no other regex metacharacter).
  assert {
    condition = alltrue(flatten([for env in ["dev", "prod"] : [for call in var.deploy_calls : [for action in call.actions : anytrue([
      for statement in data.aws_iam_policy_document.deploy[env].statement : contains(statement.actions, action) && anytrue([
        for pattern in statement.resources : can(regex("^${replace(pattern, "*", ".*")}$", replace(call.resource, "ENV", env)))
    ])])]]]))
    error_message = "The deploy roles lack calls of their CD apply: ${join(", ", flatten([for env in ["dev", "prod"] : [for call in var.deploy_calls : [for action in call.actions : "${action} on ${replace(call.resource, "ENV", env)}" if !anytrue([
      for statement in data.aws_iam_policy_document.deploy[env].statement : contains(statement.actions, action) && anytrue([
        for pattern in statement.resources : can(regex("^${replace(pattern, "*", ".*")}$", replace(call.resource, "ENV", env)))
    ])])]]]))}."
  }
}

# live/global/env.hcl ships your-org/ingest-pipeline until it is set.
run "refuses_a_placeholder_repository" {
  command = plan

  variables {
    github_repository = "your-org/ingest-pipeline"
  }

  expect_failures = [var.github_repository]
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    project           = "Ingest Pipeline"
    environments      = ["dev", "Production"]
    github_repository = "ingest-pipeline"
  }

  expect_failures = [
    var.project,
    var.environments,
    var.github_repository,
  ]
}
