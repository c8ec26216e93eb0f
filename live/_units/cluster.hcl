locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//cluster"
}

inputs = {
  name = "ingest-pipeline-${local.env.environment}"
}
