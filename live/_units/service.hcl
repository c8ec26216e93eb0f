# What the api and worker units share: modules/workload on the runtime env.hcl names for
# the service. On Fargate, a service in the environment's cluster and private subnets
# running the image of its own repository at the deployed tag; on Lambda, a function
# running the jar of the same commit from the artifacts bucket. Included by
# live/<env>/{api,worker} beside their own file (api.hcl, worker.hcl), which adds what the
# service needs on each runtime; the unit's folder name is the service's name.
locals {
  root    = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env     = local.root.env
  service = local.root.unit
  # The repository of this service in live/global/registry.
  repository = "${local.root.project}/${local.service}"
  # The commit the CD workflow built (docs/adr/0004): the image tag, and the jar's name.
  version = get_env("IMAGE_TAG", "")
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//workload"
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

dependency "artifacts" {
  config_path = "${dirname(find_in_parent_folders("root.hcl"))}/live/global/artifacts"

  mock_outputs = {
    bucket_name = "mock-artifacts"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name               = "${local.root.name_prefix}-${local.service}"
  runtime            = local.env[local.service].runtime
  log_retention_days = local.env.log_retention_days

  # Fargate

  cluster_arn    = dependency.cluster.outputs.cluster_arn
  cluster_name   = dependency.cluster.outputs.cluster_name
  repository_url = dependency.registry.outputs.repository_urls[local.repository]
  repository_arn = dependency.registry.outputs.repository_arns[local.repository]
  # Unset IMAGE_TAG, as in a teardown: the modules refuse to plan a task definition or a
  # function but destroy as usual.
  image_tag     = local.version
  cpu           = local.env[local.service].cpu
  memory        = local.env[local.service].memory
  min_count     = local.env[local.service].min_count
  desired_count = local.env[local.service].min_count
  max_count     = local.env[local.service].max_count
  vpc_id        = dependency.network.outputs.vpc_id
  subnet_ids    = dependency.network.outputs.private_subnet_ids
  # Readiness for the load balancer (503 while a dependency is down); the container's own
  # health check asks liveness on the management port, so an outage replaces no task.
  health_check_path = "/health"
  liveness_path     = "/actuator/health/liveness"

  # Lambda: the service's shaded jar of the same commit, published by the CD workflow.
  artifact_bucket    = dependency.artifacts.outputs.bucket_name
  artifact_key       = local.version == "" ? "" : "${local.service}/${local.version}.jar"
  function_memory_mb = local.env[local.service].function_memory_mb
}
