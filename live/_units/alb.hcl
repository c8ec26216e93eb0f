locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//alb"
}

dependency "network" {
  config_path = "${get_terragrunt_dir()}/../network"

  mock_outputs = {
    vpc_id            = "vpc-00000000000000000"
    vpc_cidr_block    = "10.0.0.0/16"
    public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"]
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name                = local.root.name_prefix
  vpc_id              = dependency.network.outputs.vpc_id
  vpc_cidr_block      = dependency.network.outputs.vpc_cidr_block
  public_subnet_ids   = dependency.network.outputs.public_subnet_ids
  ingress_cidr_blocks = local.env.ingress_cidr_blocks
  certificate_arn     = local.env.certificate_arn
  domain_name         = local.env.domain_name
  require_https       = local.env.require_https
  deletion_protection = local.env.deletion_protection
  target_port         = 8080
  # The API's keep-alive timeout is longer (live/_units/api.hcl, live/_checks).
  idle_timeout_seconds = local.root.app.load_balancer_idle_timeout_seconds
  # The API's runtime (env.hcl): Fargate tasks by IP, or the API's Lambda function.
  target_type       = local.env.api.runtime == "lambda" ? "lambda" : "ip"
  health_check_path = "/health"
}
