variable "name" {
  type        = string
  description = "Name of the function, its role and its log group, e.g. ingest-pipeline-dev-worker."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "The name must be 1 to 56 letters, digits, hyphens or underscores (role names append a suffix)."
  }
}

variable "artifact_bucket" {
  type        = string
  description = "S3 bucket holding the function's jar (the service's shaded jar with the aws classifier)."
}

variable "artifact_key" {
  type        = string
  description = "S3 key of the jar; the delivery workflow publishes one per commit, so a new key is a new version."

  validation {
    condition     = var.artifact_key == "" || endswith(var.artifact_key, ".jar")
    error_message = "artifact_key must name a .jar (or be empty in a teardown)."
  }
}

variable "function_definition" {
  type        = string
  description = "The Spring Cloud Function bean the handler runs (spring_cloud_function_definition): ingestAlb behind the load balancer, persistBatch for the queue."

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9]*$", var.function_definition))
    error_message = "function_definition must be one bean name."
  }
}

variable "handler" {
  type        = string
  description = "The Lambda handler: Spring Cloud Function's AWS adapter."
  default     = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest"
}

variable "runtime" {
  type        = string
  description = "Java runtime of the function."
  default     = "java21"

  validation {
    condition     = contains(["java17", "java21", "java25"], var.runtime)
    error_message = "runtime must be java17, java21 or java25."
  }
}

variable "memory_mb" {
  type        = number
  description = "Memory, which also sets the CPU share; the JVM starts much faster with 1 GB or more."
  default     = 1024

  validation {
    condition     = var.memory_mb >= 512 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 512 and 10240."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "Longest invocation."
  default     = 30

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "snap_start" {
  type        = bool
  description = "Lambda SnapStart: invocations resume from a snapshot of the started JVM instead of starting it."
  default     = true
}

variable "environment" {
  type        = map(string)
  description = "The application's settings: exactly the names README documents, as for the container."
  default     = {}
}

variable "policy_json" {
  type        = string
  description = "IAM policy of the function's role: what the application does in AWS, as for the container's task role."
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the function's logs."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "queue" {
  type = object({
    arn                        = string
    visibility_timeout_seconds = number
    batch_size                 = optional(number, 10)
    batching_window_seconds    = optional(number, 1)
    maximum_concurrency        = optional(number, 10)
  })
  description = "An SQS queue that feeds the function (persistBatch), with ReportBatchItemFailures; null for none."
  default     = null

  validation {
    condition     = var.queue == null || try(var.queue.batch_size >= 1 && var.queue.batch_size <= 100 && var.queue.maximum_concurrency >= 2, false)
    error_message = "queue.batch_size must be between 1 and 100 and queue.maximum_concurrency at least 2."
  }
}

variable "load_balancer" {
  type = object({
    target_group_arn = string
  })
  description = "A Lambda target group of the load balancer that invokes the function (ingest); null for none."
  default     = null
}
