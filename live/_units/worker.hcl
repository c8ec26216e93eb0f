locals {
  env  = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name = "ingest-pipeline-${local.env.environment}-worker"
  # The object-key prefix of the archive; the IAM policy below is scoped to it.
  key_prefix = "emails/"
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

dependency "queue" {
  config_path = "${get_terragrunt_dir()}/../queue"

  mock_outputs = {
    queue_name = "mock"
    queue_arn  = "arn:aws:sqs:eu-west-1:123456789012:mock"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "archive_bucket" {
  config_path = "${get_terragrunt_dir()}/../archive-bucket"

  mock_outputs = {
    bucket_name = "mock-bucket"
    bucket_arn  = "arn:aws:s3:::mock-bucket"
    kms_key_arn = null
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "registry" {
  config_path = "${dirname(find_in_parent_folders("root.hcl"))}/live/global/registry"

  mock_outputs = {
    repository_urls = { "ingest-pipeline/worker" = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest-pipeline/worker" }
    repository_arns = { "ingest-pipeline/worker" = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/worker" }
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name               = local.name
  cluster_arn        = dependency.cluster.outputs.cluster_arn
  cluster_name       = dependency.cluster.outputs.cluster_name
  repository_url     = dependency.registry.outputs.repository_urls["ingest-pipeline/worker"]
  repository_arn     = dependency.registry.outputs.repository_arns["ingest-pipeline/worker"]
  image_tag          = get_env("IMAGE_TAG")
  cpu                = local.env.worker.cpu
  memory             = local.env.worker.memory
  container_port     = 8081
  health_check_path  = "/health"
  vpc_id             = dependency.network.outputs.vpc_id
  subnet_ids         = dependency.network.outputs.private_subnet_ids
  min_count          = local.env.worker.min_count
  desired_count      = local.env.worker.min_count
  max_count          = local.env.worker.max_count
  log_retention_days = local.env.log_retention_days
  # SIGTERM to SIGKILL: the 20 s shutdown budget plus an idle long poll (up to 20 s).
  stop_timeout_seconds = 45

  scaling = {
    kind       = "sqs_backlog"
    target     = local.env.worker.backlog_per_task
    queue_name = dependency.queue.outputs.queue_name
  }

  # Exactly the worker's settings from README.
  environment = {
    PERSIST_QUEUE_NAME        = dependency.queue.outputs.queue_name
    PERSIST_QUEUE_CONCURRENCY = "64"
    PERSIST_BUCKET_NAME       = dependency.archive_bucket.outputs.bucket_name
    PERSIST_KEY_PREFIX        = local.key_prefix
    PERSIST_SHUTDOWN_BUDGET   = "20s"
    SERVER_PORT               = "8081"
    MANAGEMENT_SERVER_PORT    = "9081"
  }

  task_role_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "DrainTheQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
        Resource = [dependency.queue.outputs.queue_arn]
      },
      {
        Sid      = "WriteArchiveObjects"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = ["${dependency.archive_bucket.outputs.bucket_arn}/${local.key_prefix}*"]
      },
      {
        Sid      = "FindTheBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [dependency.archive_bucket.outputs.bucket_arn]
      },
      ], dependency.archive_bucket.outputs.kms_key_arn == null ? [] : [
      {
        Sid      = "UseTheBucketKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = [dependency.archive_bucket.outputs.kms_key_arn]
      },
    ])
  })
}
