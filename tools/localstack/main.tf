# The queue, archive-bucket and token modules applied to LocalStack (the GitHub workflow's
# localstack job): the modules' real resources against real AWS APIs, without an account.
#
#   terraform -chdir=tools/localstack init && terraform -chdir=tools/localstack apply -auto-approve
#
# LocalStack on http://localhost:4566 (LOCALSTACK_ENDPOINT to change), any credentials.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

variable "endpoint" {
  type        = string
  description = "LocalStack's edge endpoint."
  default     = "http://localhost:4566"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    kms            = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sqs            = var.endpoint
    ssm            = var.endpoint
    sts            = var.endpoint
  }
}

module "queue" {
  source = "../../modules/queue"

  name                           = "ingest-pipeline-localstack-emails"
  worker_message_timeout_seconds = 10
  worker_shutdown_budget_seconds = 20
}

module "archive_bucket" {
  source = "../../modules/archive-bucket"

  name          = "ingest-pipeline-localstack-archive"
  force_destroy = true
}

module "token" {
  source = "../../modules/token"

  parameter_name           = "/ingest-pipeline/localstack/token"
  kms_deletion_window_days = 7
}

output "queue_name" {
  description = "The queue (INGEST_QUEUE_NAME, PERSIST_QUEUE_NAME)."
  value       = module.queue.queue_name
}

output "bucket_name" {
  description = "The archive bucket (PERSIST_BUCKET_NAME)."
  value       = module.archive_bucket.bucket_name
}

output "token_parameter" {
  description = "The token's parameter (INGEST_TOKEN_PARAMETER)."
  value       = module.token.parameter_name
}
