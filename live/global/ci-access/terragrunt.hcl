include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
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

inputs = {
  project             = "ingest-pipeline"
  environments        = local.env.environments
  github_repository   = local.env.github_repository
  ecr_repository_arns = values(dependency.registry.outputs.repository_arns)
  state_bucket_name   = "ingest-pipeline-tfstate-${get_aws_account_id()}"
}
