mock_provider "aws" {
  source = "../_test"
}

variables {
  name                           = "ingest-pipeline-dev-emails"
  max_receive_count              = 5
  worker_message_timeout_seconds = 10
  worker_shutdown_budget_seconds = 20
}

run "plan" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.name == "ingest-pipeline-dev-emails" && aws_sqs_queue.dead_letter.name == "ingest-pipeline-dev-emails-dlq"
    error_message = "The queue is <name> and its dead-letter queue <name>-dlq."
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "Both queues are encrypted (SSE-SQS by default)."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 60
    error_message = "The visibility timeout is twice the worker's message timeout plus its shutdown budget."
  }

  assert {
    condition     = aws_sqs_queue.this.receive_wait_time_seconds == 20
    error_message = "Receives long-poll for 20 s."
  }

  assert {
    condition     = aws_sqs_queue.dead_letter.message_retention_seconds > aws_sqs_queue.this.message_retention_seconds
    error_message = "The dead-letter queue keeps messages longer than the queue."
  }

}

# Policies hold identifiers known only once created: applied against the mocked provider.
run "policies" {
  command = apply

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5
    error_message = "A message goes to the dead-letter queue after max_receive_count receives."
  }

  assert {
    condition     = length(aws_sqs_queue_policy.tls_only) == 2
    error_message = "Both queues get the TLS-only policy."
  }

  assert {
    condition = alltrue([for document in data.aws_iam_policy_document.tls_only : anytrue([
      for statement in document.statement : statement.effect == "Deny" && anytrue([
        for condition in statement.condition : condition.variable == "aws:SecureTransport" && contains(condition.values, "false")
      ])
    ])])
    error_message = "The queue policies deny any request not made over TLS."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letter.redrive_allow_policy).redrivePermission == "byQueue"
    error_message = "Only the queue may redrive into the dead-letter queue."
  }
}

run "customer_managed_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dead_letter.kms_master_key_id == var.kms_key_arn
    error_message = "A given key encrypts both queues."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                           = "has spaces"
    max_receive_count              = 0
    worker_message_timeout_seconds = 0
    worker_shutdown_budget_seconds = 111
    retention_seconds              = 59
    dead_letter_retention_seconds  = 1209601
    max_message_size               = 1048577
  }

  expect_failures = [
    var.name,
    var.max_receive_count,
    var.worker_message_timeout_seconds,
    var.worker_shutdown_budget_seconds,
    var.retention_seconds,
    var.dead_letter_retention_seconds,
    var.max_message_size,
  ]
}

run "refuses_a_dead_letter_queue_that_forgets_first" {
  command = plan
  variables {
    retention_seconds             = 1209600
    dead_letter_retention_seconds = 345600
  }
  expect_failures = [aws_sqs_queue.this]
}
