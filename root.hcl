# Root Terragrunt configuration, included by every unit under live/. Named root.hcl:
# a root terragrunt.hcl is deprecated since Terragrunt 0.70.
#
# The one place for the project's name, the naming prefix and the values that cross
# units. The shared unit files (live/_units) read these locals with
# read_terragrunt_config(find_in_parent_folders("root.hcl")); Terragrunt then evaluates
# this file in its own folder, so the unit is found with get_original_terragrunt_dir(),
# and its environment's env.hcl one folder above it (live/<env>/<unit>).
locals {
  project     = "ingest-pipeline"
  unit_dir    = get_original_terragrunt_dir()
  unit        = basename(local.unit_dir)
  env         = read_terragrunt_config("${get_original_terragrunt_dir()}/../env.hcl").locals
  environment = local.env.environment
  aws_region  = local.env.aws_region
  # Every resource name starts with it: ingest-pipeline-dev-api, ingest-pipeline-dev-emails.
  name_prefix = "${local.project}-${local.environment}"

  # Values the applications and several units must agree on, written once.
  app = {
    # ObjectKeys.DEFAULT_PREFIX: the worker writes there, and its role may write only there.
    key_prefix = "emails/"
    # The worker's PERSIST_SHUTDOWN_BUDGET: how long a stop may take after SIGTERM. It covers
    # the SQS long poll under way (10 s), one upload (the environment's
    # worker.message_timeout_seconds) and the delete (2 s): the worker refuses a shorter one.
    worker_shutdown_budget_seconds = 25
    # How long the load balancer keeps an idle connection to a client and to a target.
    # The API's keep-alive timeout must be longer (AWS's guidance for ALB targets): a
    # target that closes a connection the ALB is about to reuse gives the client a 502.
    load_balancer_idle_timeout_seconds = 60
    api_keep_alive_margin_seconds      = 15
    # The CloudWatch namespace the services write their metrics to (INGEST_/PERSIST_METRICS_NAMESPACE)
    # and the alarms read (modules/observability, metrics.json).
    metrics_namespace = local.name_prefix
  }
  # SIGTERM to SIGKILL for the worker: its budget (which includes the long poll) plus a
  # margin. The queue's visibility timeout derives from the same budget (modules/queue).
  worker_stop_timeout_seconds = local.app.worker_shutdown_budget_seconds + 5
}

terraform_version_constraint  = ">= 1.11"
terragrunt_version_constraint = ">= 1.0"

# One state object per environment and unit, encrypted, locked with an S3 lock file.
# The state bucket is created on first use with --backend-bootstrap.
remote_state {
  backend = "s3"

  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }

  config = {
    bucket       = "${local.project}-tfstate-${get_aws_account_id()}"
    key          = "${local.environment}/${local.unit}/terraform.tfstate"
    region       = local.aws_region
    encrypt      = true
    use_lockfile = true
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "aws" {
      region = "${local.aws_region}"

      default_tags {
        tags = {
          Project     = "${local.project}"
          Environment = "${local.environment}"
          ManagedBy   = "terragrunt"
          Unit        = "${local.unit}"
        }
      }
    }
  EOT
}
