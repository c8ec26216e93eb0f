locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//queue"
}

inputs = {
  name                           = "ingest-pipeline-${local.env.environment}-emails"
  max_receive_count              = local.env.max_receive_count
  worker_message_timeout_seconds = 10
  worker_shutdown_budget_seconds = 20
}
