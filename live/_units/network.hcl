locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//network"
}

inputs = {
  name               = local.root.name_prefix
  cidr_block         = local.env.vpc_cidr_block
  az_count           = local.env.az_count
  nat_gateway_per_az = local.env.nat_gateway_per_az
  # Only Fargate tasks run in the private subnets; Lambda functions run outside the VPC. An
  # environment with every service on Lambda (env.hcl) pays for no NAT gateway.
  nat_gateway             = local.env.api.runtime == "fargate" || local.env.worker.runtime == "fargate"
  flow_log_retention_days = local.env.log_retention_days
}
