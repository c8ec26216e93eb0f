# The worker service (SQS -> S3), on either runtime. What both services share is in
# service.hcl, which live/<env>/worker includes beside this file.
locals {
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
  app  = local.root.app
}

dependency "queue" {
  config_path = "${get_terragrunt_dir()}/../queue"

  mock_outputs = {
    queue_name                 = "mock"
    queue_arn                  = "arn:aws:sqs:eu-west-1:123456789012:mock"
    visibility_timeout_seconds = 60
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "archive_bucket" {
  config_path = "${get_terragrunt_dir()}/../archive-bucket"

  mock_outputs = {
    bucket_name = "mock-bucket"
    bucket_arn  = "arn:aws:s3:::mock-bucket"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000001"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  fargate = {
    container_port       = 8081
    liveness_port        = 9081
    stop_timeout_seconds = local.root.worker_stop_timeout_seconds

    scaling = {
      kind       = "sqs_backlog"
      target     = local.env.worker.backlog_per_task
      queue_name = dependency.queue.outputs.queue_name
    }
  }

  # persistBatch fed by the queue, reporting the messages it did not store. One batch of
  # up to 10 messages, stored in parallel, each bounded by the S3 call timeout; AWS wants
  # the queue's visibility timeout at least six times the function's timeout. The
  # environment's concurrency bounds the functions polling at once, as it bounds the
  # listener's messages in process on Fargate.
  lambda = {
    function_definition = "persistBatch"
    timeout_seconds     = local.env.worker.message_timeout_seconds
    queue = {
      arn                        = dependency.queue.outputs.queue_arn
      visibility_timeout_seconds = dependency.queue.outputs.visibility_timeout_seconds
      batch_size                 = 10
      maximum_concurrency        = local.env.worker.concurrency
    }
  }

  # Exactly the worker's settings from README.
  environment = {
    PERSIST_QUEUE_NAME        = dependency.queue.outputs.queue_name
    PERSIST_QUEUE_CONCURRENCY = tostring(local.env.worker.concurrency)
    PERSIST_BUCKET_NAME       = dependency.archive_bucket.outputs.bucket_name
    PERSIST_BUCKET_TIMEOUT    = "${local.env.worker.message_timeout_seconds}s"
    PERSIST_KEY_PREFIX        = local.app.key_prefix
    PERSIST_SHUTDOWN_BUDGET   = "${local.app.worker_shutdown_budget_seconds}s"
    # The application metrics, as embedded metric format lines in the service's log.
    PERSIST_METRICS_ENABLED   = "true"
    PERSIST_METRICS_NAMESPACE = local.app.metrics_namespace
    SERVER_PORT               = "8081"
    MANAGEMENT_SERVER_PORT    = "9081"
  }

  role_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
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
        Resource = ["${dependency.archive_bucket.outputs.bucket_arn}/${local.app.key_prefix}*"]
      },
      {
        Sid      = "FindTheBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [dependency.archive_bucket.outputs.bucket_arn]
      },
      {
        Sid      = "UseTheBucketKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = [dependency.archive_bucket.outputs.kms_key_arn]
      },
    ]
  })
}
