locals {
  # A message may be in process for its own timeout and, at a stop, for the whole
  # shutdown budget; twice that sum keeps a slow but healthy worker from seeing its
  # message redelivered to another task.
  visibility_timeout_seconds = 2 * (var.worker_message_timeout_seconds + var.worker_shutdown_budget_seconds)
  kms                        = var.kms_key_arn != null
}

resource "aws_sqs_queue" "dead_letter" {
  name                              = "${var.name}-dlq"
  message_retention_seconds         = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled           = local.kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms ? 300 : null
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  visibility_timeout_seconds        = local.visibility_timeout_seconds
  message_retention_seconds         = var.retention_seconds
  receive_wait_time_seconds         = 20
  max_message_size                  = var.max_message_size
  sqs_managed_sse_enabled           = local.kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms ? 300 : null

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })

  lifecycle {
    precondition {
      condition     = var.dead_letter_retention_seconds > var.retention_seconds
      error_message = "The dead-letter queue must keep messages longer than the queue, or a message can expire before anyone sees it failed."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

data "aws_iam_policy_document" "tls_only" {
  for_each = {
    queue       = aws_sqs_queue.this.arn
    dead_letter = aws_sqs_queue.dead_letter.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "tls_only" {
  for_each = {
    queue       = aws_sqs_queue.this.id
    dead_letter = aws_sqs_queue.dead_letter.id
  }

  queue_url = each.value
  policy    = data.aws_iam_policy_document.tls_only[each.key].json
}
