include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//ci-access"
}

dependency "registry" {
  config_path = "../registry"

  mock_outputs = {
    repository_arns = {
      "ingest-pipeline/api"    = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/api"
      "ingest-pipeline/worker" = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/worker"
    }
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "artifacts" {
  config_path = "../artifacts"

  mock_outputs = {
    bucket_name = "mock-artifacts"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  artifact_bucket_name = dependency.artifacts.outputs.bucket_name
  project              = include.root.locals.project
  environments         = include.root.locals.env.environments
  github_repository    = include.root.locals.env.github_repository
  create_oidc_provider = include.root.locals.env.create_github_oidc_provider
  ecr_repository_arns  = values(dependency.registry.outputs.repository_arns)
  state_bucket_name    = "${include.root.locals.project}-tfstate-${get_aws_account_id()}"
}
