# Checks across units, on the inputs Terragrunt gives them. Appended by
# tools/infra-check/stack.mjs to the plan test of every environment that has these units
# (it declares the providers); not a test file on its own.

run "services" {
  command = plan

  # The worker may finish its in-flight messages before ECS sends SIGKILL.
  assert {
    condition     = output.worker__inputs.fargate.stop_timeout_seconds > tonumber(trimsuffix(output.worker__inputs.environment.PERSIST_SHUTDOWN_BUDGET, "s"))
    error_message = "The worker's ECS stop timeout must exceed its PERSIST_SHUTDOWN_BUDGET, or SIGKILL cuts in-flight messages."
  }

  # The load balancer closes idle connections before the API does (AWS's guidance for ALB
  # targets; the other way round, a reused connection the API just closed is a 502).
  assert {
    condition     = tonumber(trimsuffix(output.api__inputs.environment.SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT, "s")) > output.alb__inputs.idle_timeout_seconds
    error_message = "The API's SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT must be longer than the load balancer's idle timeout, or clients get 502s on reused connections."
  }

  # A message stays invisible while a worker may still be storing it: one message's time,
  # plus the whole shutdown budget when a stop comes.
  assert {
    condition     = module.queue.visibility_timeout_seconds >= output.queue__inputs.worker_message_timeout_seconds + tonumber(trimsuffix(output.worker__inputs.environment.PERSIST_SHUTDOWN_BUDGET, "s"))
    error_message = "The queue's visibility timeout is shorter than what the worker needs for a message and its shutdown budget: messages would be redelivered while in flight."
  }

  # One message's time is the worker's S3 call timeout on both runtimes, and the budget
  # covers a stop: the long poll (10 s), one upload and the delete (2 s).
  assert {
    condition = (output.worker__inputs.environment.PERSIST_BUCKET_TIMEOUT == "${output.queue__inputs.worker_message_timeout_seconds}s"
      && output.worker__inputs.lambda.timeout_seconds == output.queue__inputs.worker_message_timeout_seconds
    && tonumber(trimsuffix(output.worker__inputs.environment.PERSIST_SHUTDOWN_BUDGET, "s")) >= 10 + output.queue__inputs.worker_message_timeout_seconds + 2)
    error_message = "The worker's PERSIST_BUCKET_TIMEOUT, its function's timeout and the queue's worker_message_timeout_seconds must be one value, and PERSIST_SHUTDOWN_BUDGET at least 10 s + it + 2 s."
  }

  # The environment's worker concurrency means the same on both runtimes.
  assert {
    condition = (tonumber(output.worker__inputs.environment.PERSIST_QUEUE_CONCURRENCY) == output.worker__inputs.lambda.queue.maximum_concurrency
    && output.worker__inputs.lambda.queue.maximum_concurrency >= 10 && output.worker__inputs.lambda.queue.maximum_concurrency <= 1000)
    error_message = "The worker's PERSIST_QUEUE_CONCURRENCY (Fargate) and its event source's maximum_concurrency (Lambda) must be the environment's worker.concurrency, 10..1000."
  }

  assert {
    condition     = output.queue__inputs.worker_shutdown_budget_seconds == tonumber(trimsuffix(output.worker__inputs.environment.PERSIST_SHUTDOWN_BUDGET, "s"))
    error_message = "The queue unit and the worker unit disagree on the worker's shutdown budget."
  }

  assert {
    condition     = output.api__inputs.environment.INGEST_KEY_PREFIX == output.worker__inputs.environment.PERSIST_KEY_PREFIX
    error_message = "The API tells clients keys under INGEST_KEY_PREFIX; the worker must write under the same PERSIST_KEY_PREFIX."
  }

  # The alarms read the namespace both services write their metrics to, and the services
  # write them (modules/observability/metrics.json is what they publish there).
  assert {
    condition = (output.api__inputs.environment.INGEST_METRICS_ENABLED == "true" && output.worker__inputs.environment.PERSIST_METRICS_ENABLED == "true"
      && output.api__inputs.environment.INGEST_METRICS_NAMESPACE == output.observability__inputs.metrics_namespace
    && output.worker__inputs.environment.PERSIST_METRICS_NAMESPACE == output.observability__inputs.metrics_namespace)
    error_message = "Both services must publish their metrics (INGEST_/PERSIST_METRICS_ENABLED) to the namespace the observability unit's alarms read."
  }

  # Least privilege for the applications: no wildcard in a task role's actions or resources.
  assert {
    condition = alltrue(flatten([for unit in [output.api__inputs, output.worker__inputs] : [
      for statement in jsondecode(unit.role_policy_json).Statement : [
        for action in flatten([statement.Action]) : !strcontains(action, "*")
      ]
    ]]))
    error_message = "A task role policy of the api or worker unit grants a wildcard action."
  }

  assert {
    condition = alltrue(flatten([for unit in [output.api__inputs, output.worker__inputs] : [
      for statement in jsondecode(unit.role_policy_json).Statement : [
        for resource in flatten([statement.Resource]) : resource != "*" && !endswith(resource, ":*")
      ]
    ]]))
    error_message = "A task role policy of the api or worker unit grants a wildcard resource."
  }
}
