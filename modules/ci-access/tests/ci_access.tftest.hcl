mock_provider "aws" {
  source = "../_test"
}

variables {
  project              = "ingest-pipeline"
  environments         = ["dev", "prod"]
  github_repository    = "your-org/ingest-pipeline"
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
    ]]) == ["repo:your-org/ingest-pipeline:ref:refs/heads/main"]
    error_message = "The image-push role trusts only the main branch."
  }

  assert {
    condition = alltrue([for env in ["dev", "prod"] : flatten([for statement in data.aws_iam_policy_document.trust["deploy-${env}"].statement : [
      for condition in statement.condition : tolist(condition.values) if condition.variable == "token.actions.githubusercontent.com:sub"
    ]]) == ["repo:your-org/ingest-pipeline:environment:${env}"]])
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
    condition = alltrue(flatten([for statement in data.aws_iam_policy_document.deploy["dev"].statement : [
      for action in statement.actions : !startswith(action, "lambda:") || action == "lambda:GetEventSourceMapping" || alltrue([for resource in statement.resources : startswith(resource, "arn:aws:lambda:eu-west-1:123456789012:function:ingest-pipeline-dev-")])
    ]]))
    error_message = "The dev deploy role updates only dev's functions."
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
