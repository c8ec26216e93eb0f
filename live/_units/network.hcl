locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//network"
}

inputs = {
  name                    = "ingest-pipeline-${local.env.environment}"
  cidr_block              = local.env.vpc_cidr_block
  az_count                = local.env.az_count
  nat_gateway_per_az      = local.env.nat_gateway_per_az
  flow_log_retention_days = local.env.log_retention_days
}
