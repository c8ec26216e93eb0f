locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//archive-bucket"
}

inputs = {
  name          = "ingest-pipeline-${local.env.environment}-archive-${get_aws_account_id()}"
  force_destroy = local.env.bucket_force_destroy
}
