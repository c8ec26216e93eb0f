locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//token"
}

inputs = {
  parameter_name = "/${local.root.project}/${local.env.environment}/token"
}
