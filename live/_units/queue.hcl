locals {
  # Project name, naming prefix and shared values: root.hcl. Inputs: the environment's env.hcl.
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//queue"
}

inputs = {
  name                           = "${local.root.name_prefix}-emails"
  max_receive_count              = local.env.max_receive_count
  worker_message_timeout_seconds = local.env.worker.message_timeout_seconds
  worker_shutdown_budget_seconds = local.root.app.worker_shutdown_budget_seconds
}
