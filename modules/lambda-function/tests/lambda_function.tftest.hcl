mock_provider "aws" {
  source = "../_test"
}

variables {
  name                = "ingest-pipeline-dev-worker"
  artifact_bucket     = "ingest-pipeline-artifacts-123456789012"
  artifact_key        = "worker/0123456789ab/pipeline-worker-aws.jar"
  function_definition = "persistBatch"
  environment = {
    PERSIST_BUCKET_NAME = "ingest-pipeline-dev-archive-123456789012"
    PERSIST_KEY_PREFIX  = "emails/"
  }
  policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::b/emails/*\"]}]}"
  queue = {
    arn                        = "arn:aws:sqs:eu-west-1:123456789012:ingest-pipeline-dev-emails"
    visibility_timeout_seconds = 180
  }
}

run "queue_function" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.handler == "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest"
    error_message = "The handler is Spring Cloud Function's AWS adapter."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.spring_cloud_function_definition == "persistBatch" && aws_lambda_function.this.environment[0].variables.PERSIST_KEY_PREFIX == "emails/"
    error_message = "The function runs the named bean with the application's settings, under README's names."
  }

  assert {
    condition     = one(aws_lambda_function.this.snap_start).apply_on == "PublishedVersions" && aws_lambda_function.this.publish
    error_message = "SnapStart on published versions."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30 && aws_cloudwatch_log_group.this.name == "/aws/lambda/ingest-pipeline-dev-worker"
    error_message = "Logs go to the function's own log group, with bounded retention."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.queue[0].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The queue reports batch item failures: a message is never acknowledged because another one of its batch succeeded."
  }

  assert {
    condition     = aws_iam_role_policy.application.policy == var.policy_json
    error_message = "The function's role has exactly the application's policy besides the platform's."
  }

  assert {
    condition     = length(aws_lambda_permission.load_balancer) == 0 && length(aws_lb_target_group_attachment.load_balancer) == 0
    error_message = "A queue function is not behind the load balancer."
  }
}

run "applied" {
  command = apply

  assert {
    condition = alltrue(flatten([for statement in data.aws_iam_policy_document.platform.statement : [
      for action in statement.actions : !strcontains(action, "*")
    ]]))
    error_message = "The platform policy has no wildcard action."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.queue[0].function_name == aws_lambda_alias.live.arn
    error_message = "The queue invokes the live alias (the SnapStart version), not $LATEST."
  }
}

run "load_balancer_function" {
  command = plan

  variables {
    name                = "ingest-pipeline-dev-api"
    function_definition = "ingestAlb"
    queue               = null
    load_balancer = {
      target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef"
    }
  }

  assert {
    condition     = aws_lambda_permission.load_balancer[0].principal == "elasticloadbalancing.amazonaws.com" && aws_lambda_permission.load_balancer[0].source_arn == var.load_balancer.target_group_arn
    error_message = "Only the load balancer's target group may invoke the function."
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.queue) == 0
    error_message = "The API function has no queue trigger."
  }
}

run "refuses_a_visibility_timeout_below_six_function_timeouts" {
  command = plan

  variables {
    queue = {
      arn                        = "arn:aws:sqs:eu-west-1:123456789012:ingest-pipeline-dev-emails"
      visibility_timeout_seconds = 60
    }
  }

  expect_failures = [aws_lambda_event_source_mapping.queue]
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                = "a function name that has spaces"
    artifact_key        = "worker.zip"
    function_definition = "persist;ingest"
    runtime             = "java8"
    memory_mb           = 256
    timeout_seconds     = 901
    log_retention_days  = 2
    queue = {
      arn                        = "arn:aws:sqs:eu-west-1:123456789012:q"
      visibility_timeout_seconds = 180
      batch_size                 = 0
    }
  }

  expect_failures = [
    var.name,
    var.artifact_key,
    var.function_definition,
    var.runtime,
    var.memory_mb,
    var.timeout_seconds,
    var.log_retention_days,
    var.queue,
  ]
}

run "refuses_to_deploy_without_an_artifact" {
  command = plan

  variables {
    artifact_key = ""
  }

  expect_failures = [aws_lambda_function.this]
}
