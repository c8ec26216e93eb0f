mock_provider "aws" {
  source = "../_test"
}

variables {
  project             = "ingest-pipeline"
  environments        = ["dev", "prod"]
  github_repository   = "your-org/ingest-pipeline"
  ecr_repository_arns = ["arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/api"]
  state_bucket_name   = "ingest-pipeline-tfstate-123456789012"
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
    condition = anytrue([for statement in data.aws_iam_policy_document.trust.statement : anytrue([
      for condition in statement.condition : condition.variable == "token.actions.githubusercontent.com:sub" && condition.test == "StringEquals" &&
      toset(condition.values) == toset(["repo:your-org/ingest-pipeline:ref:refs/heads/main", "repo:your-org/ingest-pipeline:environment:dev", "repo:your-org/ingest-pipeline:environment:prod"])
    ])])
    error_message = "Only this repository's main branch and its deploy environments may assume the role, by exact subject."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.deploy.statement :
      alltrue([for action in statement.actions : !endswith(action, ":*") && action != "*"])
    ])
    error_message = "The deploy role has no wildcard action."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.deploy.statement :
      !contains(statement.resources, "*") || contains(["EcrLogin", "TaskDefinitions", "DescribeForPlans"], statement.sid)
    ])
    error_message = "Only actions without resource-level permissions use the \"*\" resource."
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
