data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The alarm topic is encrypted with a key of its own: CloudWatch cannot publish to a topic
# under the AWS managed alias/aws/sns, whose key policy cannot be changed to admit it.
data "aws_iam_policy_document" "alarm_key" {
  statement {
    sid       = "AccountAdministers"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchPublishesAlarms"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "Encrypts the ${var.name} alarm topic; CloudWatch may use it to publish"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarm_key.json
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.alarms.arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name}-dead-letter-queue-not-empty"
  alarm_description   = "Messages the worker could not store are in the dead-letter queue. ${local.runbook["dead-letter-queue-not-empty"]}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "oldest_message" {
  alarm_name          = "${var.name}-oldest-message-too-old"
  alarm_description   = "The worker is not keeping up, or not running. ${local.runbook["oldest-message-too-old"]}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.queue_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = var.oldest_message_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "server_errors" {
  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "5xx responses (from the API or the load balancer) above ${var.error_rate_alarm_percent}% of requests. ${local.runbook["5xx-rate"]}"
  evaluation_periods  = 5
  threshold           = var.error_rate_alarm_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / IF(requests > 0, requests, 1)"
    label       = "5xx %"
    return_data = true
  }

  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "elb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
      stat        = "Sum"
      period      = 60
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "${var.name}-unhealthy-api-tasks"
  alarm_description   = "API tasks fail the load balancer's health check. ${local.runbook["unhealthy-api-tasks"]}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# Functions on AWS Lambda (modules/lambda-function), if an environment runs any: any error
# (an invocation that failed, not a message it reported as a batch item failure) and any
# throttle raise an alarm.
locals {
  function_metrics = {
    errors    = { metric = "Errors", kind = "errors", description = "failed" }
    throttles = { metric = "Throttles", kind = "throttles", description = "were throttled: work waits or, for the API, is refused" }
  }
  function_alarms = { for pair in setproduct(var.function_names, keys(local.function_metrics)) :
    "${pair[0]}-${pair[1]}" => merge(local.function_metrics[pair[1]], { function = pair[0] })
  }
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = each.key
  alarm_description   = "Invocations of ${each.value.function} ${each.value.description}. ${local.runbook["function-${each.value.kind}"]}"
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = each.value.function }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# What runs the services, a widget per runtime in use: CloudWatch refuses a metric widget
# without metrics, so a runtime that runs no service gets none.
locals {
  runtime_widgets = concat(
    length(var.service_names) == 0 ? [] : [{
      title   = "Running tasks"
      stat    = "Average"
      metrics = [for service in var.service_names : ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.cluster_name, "ServiceName", service]]
    }],
    length(var.function_names) == 0 ? [] : [{
      title   = "Function invocations, errors and throttles"
      stat    = "Sum"
      metrics = [for pair in setproduct(var.function_names, ["Invocations", "Errors", "Throttles"]) : ["AWS/Lambda", pair[1], "FunctionName", pair[0]]]
    }],
  )
}

# The flow from the services' own metrics (application.tf), per minute.
locals {
  flow_widgets = [
    { title = "Flow per minute: accepted, rejected, stored", reads = ["accepted", "rejected", "stored", "already_stored"] },
    { title = "End-to-end age at store and SQS send time", reads = ["age", "publish_latency"] },
    { title = "Errors per minute: store failures, 503s, token refresh failures", reads = ["failed", "unavailable", "token_failures"] },
    { title = "SQS sends and the messages they carried", reads = ["batch_size_count", "batch_size_sum"] },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat([for index, widget in local.flow_widgets : {
      # The flow first: two rows of two.
      type = "metric", x = (index % 2) * 12, y = floor(index / 2) * 6, width = 12, height = 6
      properties = {
        title  = widget.title
        region = data.aws_region.current.id
        period = 60
        metrics = [for id in widget.reads : concat(
          [var.metrics_namespace, local.flow_metrics[id].metric],
          flatten([for key, value in local.flow_metrics[id].dimensions : [key, value]]),
          [{ stat = local.flow_metrics[id].stat, label = local.flow_metrics[id].label }],
        )]
      }
      }], [
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Ingest requests and errors"
          region = data.aws_region.current.id
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix],
            [".", "HTTPCode_Target_4XX_Count", ".", "."],
            [".", "HTTPCode_Target_5XX_Count", ".", "."],
            [".", "HTTPCode_ELB_5XX_Count", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "API latency"
          region = data.aws_region.current.id
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = "p50" }],
            ["...", { stat = "p99" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title  = "Queue depth, oldest message age, dead letters"
          region = data.aws_region.current.id
          stat   = "Maximum"
          period = 60
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name],
            [".", "ApproximateAgeOfOldestMessage", ".", ".", { yAxis = "right" }],
            [".", "ApproximateNumberOfMessagesVisible", ".", var.dead_letter_queue_name],
          ]
        }
      },
      ], [for index, widget in local.runtime_widgets : {
        # Beside the queue's widget, then below it.
        type = "metric", x = index == 0 ? 12 : 0, y = index == 0 ? 18 : 24, width = 12, height = 6
        properties = {
          title   = widget.title
          region  = data.aws_region.current.id
          stat    = widget.stat
          period  = 60
          metrics = widget.metrics
        }
    }])
  })

  lifecycle {
    precondition {
      condition     = length(local.unpublished_reads) == 0
      error_message = "The observability module reads metrics the services do not publish (metrics.json): ${join("; ", local.unpublished_reads)}."
    }
  }
}
