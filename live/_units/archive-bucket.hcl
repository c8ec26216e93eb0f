locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//archive-bucket"
}

inputs = {
  name          = "${local.root.name_prefix}-archive-${get_aws_account_id()}"
  force_destroy = local.env.bucket_force_destroy
  # How long objects and their earlier versions are kept: env.hcl, per environment.
  expiration_days                      = local.env.archive.expiration_days
  noncurrent_version_expiration_days   = local.env.archive.noncurrent_version_expiration_days
  transition_to_infrequent_access_days = local.env.archive.transition_to_infrequent_access_days
}
