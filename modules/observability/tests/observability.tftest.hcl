mock_provider "aws" {
  source = "../_test"
}

variables {
  name                    = "ingest-pipeline-dev"
  alb_arn_suffix          = "app/ingest-pipeline-dev/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/ingest-pipeline-dev-api/0123456789abcdef"
  queue_name              = "ingest-pipeline-dev-emails"
  dead_letter_queue_name  = "ingest-pipeline-dev-emails-dlq"
  cluster_name            = "ingest-pipeline-dev"
  service_names           = ["ingest-pipeline-dev-api", "ingest-pipeline-dev-worker"]
  alarm_emails            = ["oncall@ops.ingest-pipeline.dev"]
  metrics_namespace       = "ingest-pipeline-dev"
  runbook_url             = "https://github.com/ops/ingest-pipeline/blob/main/docs/runbooks.md"
}

run "plan" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.function) == 0
    error_message = "No function, no function alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters.dimensions.QueueName == var.dead_letter_queue_name && aws_cloudwatch_metric_alarm.dead_letters.threshold == 0
    error_message = "Any message in the dead-letter queue raises an alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.oldest_message.dimensions.QueueName == var.queue_name && aws_cloudwatch_metric_alarm.oldest_message.threshold == 300
    error_message = "A message older than oldest_message_alarm_seconds raises an alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.server_errors.threshold == 1
    error_message = "A 5xx rate above error_rate_alarm_percent raises an alarm."
  }

  assert {
    condition     = aws_kms_key.alarms.enable_key_rotation
    error_message = "The alarm topic's own key rotates."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 1 && aws_sns_topic_subscription.email["oncall@ops.ingest-pipeline.dev"].protocol == "email"
    error_message = "Each alarm email is subscribed."
  }
}

run "application_alarms" {
  command = plan

  variables {
    function_names = ["ingest-pipeline-dev-api", "ingest-pipeline-dev-worker"]
  }

  # The alarm set, by name: each is documented in docs/runbooks.md.
  assert {
    condition = sort(concat(
      [for alarm in aws_cloudwatch_metric_alarm.application : alarm.alarm_name],
      [for alarm in aws_cloudwatch_metric_alarm.function : alarm.alarm_name],
      [aws_cloudwatch_metric_alarm.api_unavailable_rate.alarm_name, aws_cloudwatch_metric_alarm.dead_letters.alarm_name,
      aws_cloudwatch_metric_alarm.oldest_message.alarm_name, aws_cloudwatch_metric_alarm.server_errors.alarm_name, aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name],
      )) == sort([
      "ingest-pipeline-dev-store-failures", "ingest-pipeline-dev-conflict-at-key", "ingest-pipeline-dev-token-refresh-failures",
      "ingest-pipeline-dev-end-to-end-age", "ingest-pipeline-dev-api-unavailable-rate", "ingest-pipeline-dev-dead-letter-queue-not-empty",
      "ingest-pipeline-dev-oldest-message-too-old", "ingest-pipeline-dev-5xx-rate", "ingest-pipeline-dev-unhealthy-api-tasks",
      "ingest-pipeline-dev-api-errors", "ingest-pipeline-dev-api-throttles", "ingest-pipeline-dev-worker-errors", "ingest-pipeline-dev-worker-throttles",
    ])
    error_message = "The alarm set is the documented one."
  }

  # Every alarm links to a section of docs/runbooks.md that exists: the anchor after the
  # runbook address is a level-2 heading there.
  assert {
    condition = alltrue([for alarm in concat(values(aws_cloudwatch_metric_alarm.application), values(aws_cloudwatch_metric_alarm.function),
      [aws_cloudwatch_metric_alarm.api_unavailable_rate, aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.oldest_message, aws_cloudwatch_metric_alarm.server_errors, aws_cloudwatch_metric_alarm.unhealthy_hosts]) :
      can(regex("Runbook: ${var.runbook_url}#([a-z0-9-]+)$", alarm.alarm_description)) &&
      contains(regexall("(?m)^## ([a-z0-9-]+)$", file("../../docs/runbooks.md"))[*][0], regex("#([a-z0-9-]+)$", alarm.alarm_description)[0])
    ])
    error_message = "Each alarm's description ends with its runbook link, and docs/runbooks.md has that section."
  }

  # And each section of the runbooks is an alarm's.
  assert {
    condition     = length(setsubtract(regexall("(?m)^## ([a-z0-9-]+)$", file("../../docs/runbooks.md"))[*][0], keys(local.runbook))) == 0
    error_message = "docs/runbooks.md has a section no alarm links to."
  }

  # Every application metric an alarm or widget reads is one the services publish, in a
  # dimension set they publish it by (metrics.json, the list the jars carry).
  assert {
    condition     = length(local.unpublished_reads) == 0
    error_message = "An alarm or widget reads a metric the services do not publish."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.application["conflict-at-key"].dimensions == tomap({ reason = "key-taken" }) && aws_cloudwatch_metric_alarm.application["conflict-at-key"].namespace == "ingest-pipeline-dev" && aws_cloudwatch_metric_alarm.application["conflict-at-key"].evaluation_periods == 1
    error_message = "One message whose key holds another's object raises the conflict alarm at once."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.application["end-to-end-age"].metric_name == "persist.message.age.max" && aws_cloudwatch_metric_alarm.application["end-to-end-age"].threshold == 300000
    error_message = "The end-to-end age alarm compares the age in milliseconds with end_to_end_age_alarm_seconds."
  }

  assert {
    condition     = length([for query in aws_cloudwatch_metric_alarm.api_unavailable_rate.metric_query : query if query.return_data == true]) == 1 && length(aws_cloudwatch_metric_alarm.api_unavailable_rate.metric_query) == 4
    error_message = "The 503 rate is one expression over the 503s, the accepted and the rejected requests."
  }
}

run "end_to_end_age_threshold" {
  command = plan

  variables {
    end_to_end_age_alarm_seconds = 60
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.application["end-to-end-age"].threshold == 60000
    error_message = "end_to_end_age_alarm_seconds sets the threshold."
  }
}

run "lambda_alarms" {
  command = plan

  variables {
    function_names = ["ingest-pipeline-dev-worker"]
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["ingest-pipeline-dev-worker-errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.function["ingest-pipeline-dev-worker-throttles"].metric_name == "Throttles" && length(aws_cloudwatch_metric_alarm.function) == 2
    error_message = "Each function has an errors and a throttles alarm."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.function : alarm.dimensions.FunctionName == "ingest-pipeline-dev-worker" && alarm.namespace == "AWS/Lambda"])
    error_message = "The alarm watches its function."
  }
}

run "applied" {
  command = apply

  assert {
    condition = alltrue([for alarm in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.oldest_message, aws_cloudwatch_metric_alarm.server_errors, aws_cloudwatch_metric_alarm.unhealthy_hosts] :
    alarm.alarm_actions == toset([aws_sns_topic.alarms.arn])])
    error_message = "Every alarm notifies the topic."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.alarms.arn && aws_kms_key.alarms.policy == data.aws_iam_policy_document.alarm_key.json
    error_message = "The topic is encrypted with its own customer managed key (not alias/aws/sns, whose policy CloudWatch cannot use), under the policy below."
  }

  assert {
    condition = anytrue([for statement in data.aws_iam_policy_document.alarm_key.statement :
      statement.effect == "Allow" && toset(statement.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && anytrue([
        for principal in statement.principals : principal.type == "Service" && contains(principal.identifiers, "cloudwatch.amazonaws.com")
        ]) && anytrue([
        for condition in statement.condition : condition.variable == "aws:SourceAccount" && contains(condition.values, "123456789012")
    ])])
    error_message = "The key policy lets CloudWatch of this account (and only it) use the key to publish alarms."
  }
}

# CloudWatch refuses a metric widget without metrics: none may be empty, whichever runtime
# each service is on.
run "dashboard_with_both_services_on_fargate" {
  command = plan

  assert {
    condition     = alltrue([for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : length(widget.properties.metrics) > 0 if widget.type == "metric"])
    error_message = "A dashboard widget has no metrics (both services on Fargate)."
  }
}

run "dashboard_with_both_services_on_lambda" {
  command = plan

  variables {
    service_names  = []
    function_names = ["ingest-pipeline-dev-api", "ingest-pipeline-dev-worker"]
  }

  assert {
    condition     = alltrue([for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : length(widget.properties.metrics) > 0 if widget.type == "metric"])
    error_message = "A dashboard widget has no metrics (both services on Lambda)."
  }

  assert {
    condition = [for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : widget.properties.metrics if widget.properties.title == "Function invocations, errors and throttles"] == [[
      ["AWS/Lambda", "Invocations", "FunctionName", "ingest-pipeline-dev-api"], ["AWS/Lambda", "Errors", "FunctionName", "ingest-pipeline-dev-api"], ["AWS/Lambda", "Throttles", "FunctionName", "ingest-pipeline-dev-api"],
      ["AWS/Lambda", "Invocations", "FunctionName", "ingest-pipeline-dev-worker"], ["AWS/Lambda", "Errors", "FunctionName", "ingest-pipeline-dev-worker"], ["AWS/Lambda", "Throttles", "FunctionName", "ingest-pipeline-dev-worker"],
    ]]
    error_message = "With the services on Lambda, the dashboard charts each function's invocations, errors and throttles instead of running tasks."
  }
}

run "dashboard_with_one_service_on_each" {
  command = plan

  variables {
    service_names  = ["ingest-pipeline-dev-api"]
    function_names = ["ingest-pipeline-dev-worker"]
  }

  assert {
    condition     = alltrue([for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : length(widget.properties.metrics) > 0 if widget.type == "metric"])
    error_message = "A dashboard widget has no metrics (one service on Fargate, one on Lambda)."
  }
}

# The domains reserved for examples receive no mail: such an address is a placeholder.
run "refuses_a_placeholder_address" {
  command = plan

  variables {
    alarm_emails = ["oncall@ops.ingest-pipeline.dev", "alerts@example.com"]
  }

  expect_failures = [var.alarm_emails]
}

# prod requires someone to receive its alarms; dev may leave the list empty.
run "requires_an_address_where_required" {
  command = plan

  variables {
    alarm_emails         = []
    require_alarm_emails = true
  }

  expect_failures = [var.alarm_emails]
}

run "may_have_no_address_where_not_required" {
  command = plan

  variables {
    alarm_emails = []
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "Without alarm_emails, nothing is subscribed."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                         = "Ingest Pipeline"
    oldest_message_alarm_seconds = 59
    error_rate_alarm_percent     = 0
    alarm_emails                 = ["oncall"]
  }

  expect_failures = [
    var.name,
    var.oldest_message_alarm_seconds,
    var.error_rate_alarm_percent,
    var.alarm_emails,
  ]
}
