locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
  # The repository's own copy of the runbooks: each alarm links to its section.
  github_repository = read_terragrunt_config(find_in_parent_folders("live/global/env.hcl")).locals.github_repository
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//observability"
}

dependency "alb" {
  config_path = "${get_terragrunt_dir()}/../alb"

  mock_outputs = {
    arn_suffix              = "app/mock/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/mock/0123456789abcdef"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "queue" {
  config_path = "${get_terragrunt_dir()}/../queue"

  mock_outputs = {
    queue_name             = "mock"
    dead_letter_queue_name = "mock-dlq"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "cluster" {
  config_path = "${get_terragrunt_dir()}/../cluster"

  mock_outputs = {
    cluster_name = "mock"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "api" {
  config_path = "${get_terragrunt_dir()}/../api"

  mock_outputs = {
    service_names  = ["mock-api"]
    function_names = []
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "worker" {
  config_path = "${get_terragrunt_dir()}/../worker"

  mock_outputs = {
    service_names  = ["mock-worker"]
    function_names = []
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name                    = local.root.name_prefix
  alb_arn_suffix          = dependency.alb.outputs.arn_suffix
  target_group_arn_suffix = dependency.alb.outputs.target_group_arn_suffix
  queue_name              = dependency.queue.outputs.queue_name
  dead_letter_queue_name  = dependency.queue.outputs.dead_letter_queue_name
  cluster_name            = dependency.cluster.outputs.cluster_name
  # Each service is in one of the two lists, by its runtime (env.hcl).
  service_names        = concat(dependency.api.outputs.service_names, dependency.worker.outputs.service_names)
  function_names       = concat(dependency.api.outputs.function_names, dependency.worker.outputs.function_names)
  metrics_namespace    = local.root.app.metrics_namespace
  runbook_url          = "https://github.com/${local.github_repository}/blob/main/docs/runbooks.md"
  alarm_emails         = local.env.alarm_emails
  require_alarm_emails = local.env.require_alarm_emails
}
