locals {
  # The handler's settings on top of the application's: which bean, and no web server.
  environment = merge(var.environment, {
    spring_cloud_function_definition = var.function_definition
    SPRING_MAIN_WEB_APPLICATION_TYPE = "none"
  })
  # SnapStart snapshots a published version; triggers use the alias of that version.
  invoke_arn = aws_lambda_alias.live.arn
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-function"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# What the Lambda service needs for this function: its own log group, and the queue it
# polls on the function's behalf.
data "aws_iam_policy_document" "platform" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }

  dynamic "statement" {
    for_each = var.queue == null ? [] : [var.queue.arn]
    content {
      sid       = "PollTheQueue"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "platform" {
  name   = "platform"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.platform.json
}

resource "aws_iam_role_policy" "application" {
  name   = "application"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  handler       = var.handler
  s3_bucket     = var.artifact_bucket
  s3_key        = var.artifact_key
  memory_size   = var.memory_mb
  timeout       = var.timeout_seconds
  architectures = ["x86_64"]
  publish       = true
  # Which jar runs: a later apply of the environment needs its IMAGE_TAG (README, Deploy).
  tags = { Artifact = var.artifact_key }

  environment {
    variables = local.environment
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  lifecycle {
    precondition {
      condition     = var.artifact_key != ""
      error_message = "artifact_key is empty: set IMAGE_TAG to the commit to deploy, whose jar the delivery workflow published (a teardown needs none)."
    }
  }

  # Publishing a version runs the application's start (SnapStart's snapshot) with this
  # role: both its policies must be in place by then.
  depends_on = [aws_iam_role_policy.platform, aws_iam_role_policy.application]
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_event_source_mapping" "queue" {
  count = var.queue == null ? 0 : 1

  event_source_arn                   = var.queue.arn
  function_name                      = local.invoke_arn
  batch_size                         = var.queue.batch_size
  maximum_batching_window_in_seconds = var.queue.batching_window_seconds
  # The function names the messages it did not store; Lambda deletes only the others.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.queue.maximum_concurrency
  }

  lifecycle {
    precondition {
      condition     = var.queue.visibility_timeout_seconds >= 6 * var.timeout_seconds
      error_message = "The queue's visibility timeout must be at least six times the function's timeout (AWS's rule for SQS event sources), or batches are redelivered while in flight."
    }
  }
}

resource "aws_lambda_permission" "load_balancer" {
  count = var.load_balancer == null ? 0 : 1

  statement_id  = "AllowTheLoadBalancer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = var.load_balancer.target_group_arn
}

resource "aws_lb_target_group_attachment" "load_balancer" {
  count = var.load_balancer == null ? 0 : 1

  target_group_arn = var.load_balancer.target_group_arn
  target_id        = local.invoke_arn

  depends_on = [aws_lambda_permission.load_balancer]
}
