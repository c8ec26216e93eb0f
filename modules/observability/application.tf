# The services' own metrics: what they publish is listed once, in metrics.json, which the
# build also puts into their jars (functions/core EmfMeterRegistry writes exactly those).
# An alarm or widget here may read only a metric of that list, in a dimension set of it: a
# precondition refuses the plan otherwise, so nothing watches a metric nobody publishes.
locals {
  catalog = jsondecode(file("${path.module}/metrics.json")).metrics
  # The CloudWatch names: a counter under its own, a timer or summary as .sum/.count/.max.
  published = { for pair in flatten([for meter, metric in local.catalog :
    [for name in(metric.type == "counter" ? [meter] : ["${meter}.sum", "${meter}.count", "${meter}.max"]) : { name = name, meter = meter }]
  ]) : pair.name => local.catalog[pair.meter] }

  # Every alarm's section in docs/runbooks.md; the module's tests hold each anchor to a
  # heading there.
  runbook = { for anchor in [
    "dead-letter-queue-not-empty", "oldest-message-too-old", "5xx-rate", "unhealthy-api-tasks",
    "function-errors", "function-throttles", "store-failures", "conflict-at-key", "token-refresh-failures",
    "api-unavailable-rate", "end-to-end-age",
  ] : anchor => "Runbook: ${var.runbook_url}#${anchor}" }

  # Alarms on one application metric each.
  application_alarms = {
    store-failures = {
      description = "The worker fails to store messages (any reason) in 3 of 5 minutes; they stay queued and are retried."
      metric      = "persist.failures"
      dimensions  = {}
      statistic   = "Sum"
      threshold   = 0
      periods     = 5
      datapoints  = 3
    }
    conflict-at-key = {
      description = "An object of another message holds a message's key; the message cannot be stored and will reach the dead-letter queue."
      metric      = "persist.failures"
      dimensions  = { reason = "key-taken" }
      statistic   = "Sum"
      threshold   = 0
      periods     = 1
      datapoints  = 1
    }
    token-refresh-failures = {
      description = "The API cannot read its token from SSM in 3 of 5 minutes: it serves on its last good token until the grace period ends, then answers 503."
      metric      = "ingest.token.refreshes"
      dimensions  = { outcome = "failure" }
      statistic   = "Sum"
      threshold   = 0
      periods     = 5
      datapoints  = 3
    }
    end-to-end-age = {
      description = "A message took longer than ${var.end_to_end_age_alarm_seconds} s from acceptance to its object, in 3 of 5 minutes."
      metric      = "persist.message.age.max"
      dimensions  = {}
      statistic   = "Maximum"
      threshold   = var.end_to_end_age_alarm_seconds * 1000
      periods     = 5
      datapoints  = 3
    }
  }

  # The 503 share: the API's own count of 503s over all its answers.
  unavailable_rate_metrics = {
    unavailable = { metric = "ingest.requests", dimensions = { status = "503" } }
    accepted    = { metric = "ingest.requests", dimensions = { outcome = "accepted" } }
    rejected    = { metric = "ingest.requests", dimensions = { outcome = "rejected" } }
  }

  # What the dashboard's flow widgets read, per minute.
  flow_metrics = {
    accepted         = { metric = "ingest.requests", dimensions = { outcome = "accepted" }, stat = "Sum", label = "accepted" }
    rejected         = { metric = "ingest.requests", dimensions = { outcome = "rejected" }, stat = "Sum", label = "rejected" }
    unavailable      = { metric = "ingest.requests", dimensions = { status = "503" }, stat = "Sum", label = "503" }
    stored           = { metric = "persist.messages", dimensions = { outcome = "stored" }, stat = "Sum", label = "stored" }
    already_stored   = { metric = "persist.messages", dimensions = { outcome = "already-stored" }, stat = "Sum", label = "already stored" }
    failed           = { metric = "persist.failures", dimensions = {}, stat = "Sum", label = "store failures" }
    age              = { metric = "persist.message.age.max", dimensions = {}, stat = "Maximum", label = "end-to-end age, max (ms)" }
    publish_latency  = { metric = "ingest.publish.max", dimensions = {}, stat = "Maximum", label = "SQS send, max (ms)" }
    token_failures   = { metric = "ingest.token.refreshes", dimensions = { outcome = "failure" }, stat = "Sum", label = "token refresh failures" }
    batch_size_sum   = { metric = "ingest.batch.size.sum", dimensions = {}, stat = "Sum", label = "messages sent" }
    batch_size_count = { metric = "ingest.batch.size.count", dimensions = {}, stat = "Sum", label = "SQS sends" }
  }

  # Every application metric read here, with the dimension keys it is read by.
  application_reads = concat(
    [for alarm in local.application_alarms : { metric = alarm.metric, keys = keys(alarm.dimensions) }],
    [for read in local.unavailable_rate_metrics : { metric = read.metric, keys = keys(read.dimensions) }],
    [for read in local.flow_metrics : { metric = read.metric, keys = keys(read.dimensions) }],
  )
  unpublished_reads = [for read in local.application_reads : "${read.metric} by [${join(", ", read.keys)}]"
    if !contains(keys(local.published), read.metric) || !contains([for set in try(local.published[read.metric].dimensions, []) : sort(set)], sort(read.keys))
  ]
}

resource "aws_cloudwatch_metric_alarm" "application" {
  for_each = local.application_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "${each.value.description} ${local.runbook[each.key]}"
  namespace           = var.metrics_namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.datapoints
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  # The services write a metric only in a minute it counted something: no data is no
  # failure.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.alarms.arn]
  ok_actions         = [aws_sns_topic.alarms.arn]

  lifecycle {
    precondition {
      condition     = length(local.unpublished_reads) == 0
      error_message = "The observability module reads metrics the services do not publish (metrics.json): ${join("; ", local.unpublished_reads)}."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "api_unavailable_rate" {
  alarm_name          = "${var.name}-api-unavailable-rate"
  alarm_description   = "The API answered 503 to more than ${var.unavailable_rate_alarm_percent}% of its requests in 3 of 5 minutes (token or queue unreachable, no room for bodies, or stopping). ${local.runbook["api-unavailable-rate"]}"
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.unavailable_rate_alarm_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * FILL(unavailable, 0) / IF(FILL(accepted, 0) + FILL(rejected, 0) > 0, FILL(accepted, 0) + FILL(rejected, 0), 1)"
    label       = "503 %"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.unavailable_rate_metrics
    content {
      id = metric_query.key
      metric {
        namespace   = var.metrics_namespace
        metric_name = metric_query.value.metric
        dimensions  = metric_query.value.dimensions
        stat        = "Sum"
        period      = 60
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.unpublished_reads) == 0
      error_message = "The observability module reads metrics the services do not publish (metrics.json): ${join("; ", local.unpublished_reads)}."
    }
  }
}
