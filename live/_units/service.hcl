# What the api and worker units share: a Fargate service of modules/service in the
# environment's cluster and private subnets, running the image of its own repository at
# the deployed tag. Included by live/<env>/{api,worker} beside their own file
# (api.hcl, worker.hcl); the unit's folder name is the service's name.
locals {
  root    = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env     = local.root.env
  service = local.root.unit
  # The repository of this service in live/global/registry.
  repository = "${local.root.project}/${local.service}"
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//service"
}

dependency "network" {
  config_path = "${get_terragrunt_dir()}/../network"

  mock_outputs = {
    vpc_id             = "vpc-00000000000000000"
    private_subnet_ids = ["subnet-00000000000000011", "subnet-00000000000000012"]
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "cluster" {
  config_path = "${get_terragrunt_dir()}/../cluster"

  mock_outputs = {
    cluster_arn  = "arn:aws:ecs:eu-west-1:123456789012:cluster/mock"
    cluster_name = "mock"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "registry" {
  config_path = "${dirname(find_in_parent_folders("root.hcl"))}/live/global/registry"

  mock_outputs = {
    repository_urls = { (local.repository) = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/${local.repository}" }
    repository_arns = { (local.repository) = "arn:aws:ecr:eu-west-1:123456789012:repository/${local.repository}" }
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name           = "${local.root.name_prefix}-${local.service}"
  cluster_arn    = dependency.cluster.outputs.cluster_arn
  cluster_name   = dependency.cluster.outputs.cluster_name
  repository_url = dependency.registry.outputs.repository_urls[local.repository]
  repository_arn = dependency.registry.outputs.repository_arns[local.repository]
  # The CD workflow sets IMAGE_TAG to the commit it built (docs/adr/0004). Unset, as in a
  # teardown, the module refuses to plan a task definition but destroys as usual.
  image_tag          = get_env("IMAGE_TAG", "")
  cpu                = local.env[local.service].cpu
  memory             = local.env[local.service].memory
  min_count          = local.env[local.service].min_count
  desired_count      = local.env[local.service].min_count
  max_count          = local.env[local.service].max_count
  vpc_id             = dependency.network.outputs.vpc_id
  subnet_ids         = dependency.network.outputs.private_subnet_ids
  log_retention_days = local.env.log_retention_days
  # Readiness for the load balancer (503 while a dependency is down); the container's own
  # health check asks liveness on the management port, so an outage replaces no task.
  health_check_path = "/health"
  liveness_path     = "/actuator/health/liveness"
}
