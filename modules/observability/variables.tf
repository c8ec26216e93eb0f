variable "name" {
  type        = string
  description = "Name prefix of the dashboard, alarms and topic, e.g. ingest-pipeline-dev."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,64}$", var.name))
    error_message = "The name must be 1 to 64 lowercase letters, digits or hyphens."
  }
}

variable "alb_arn_suffix" {
  type        = string
  description = "ARN suffix of the load balancer."
}

variable "target_group_arn_suffix" {
  type        = string
  description = "ARN suffix of the API's target group."
}

variable "queue_name" {
  type        = string
  description = "Name of the ingest queue."
}

variable "dead_letter_queue_name" {
  type        = string
  description = "Name of the dead-letter queue."
}

variable "cluster_name" {
  type        = string
  description = "Name of the ECS cluster."
}

variable "service_names" {
  type        = list(string)
  description = "ECS services to chart: those of the API and worker on Fargate (empty where both run on Lambda)."
}

variable "oldest_message_alarm_seconds" {
  type        = number
  description = "Alarm when the oldest message on the queue is older than this."
  default     = 300

  validation {
    condition     = var.oldest_message_alarm_seconds >= 60
    error_message = "oldest_message_alarm_seconds must be at least 60."
  }
}

variable "error_rate_alarm_percent" {
  type        = number
  description = "Alarm when 5xx responses exceed this share of requests over 5 minutes."
  default     = 1

  validation {
    condition     = var.error_rate_alarm_percent > 0 && var.error_rate_alarm_percent <= 100
    error_message = "error_rate_alarm_percent must be between 0 and 100."
  }
}

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic (each must confirm by e-mail)."
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_emails : can(regex("^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$", address))])
    error_message = "Each of alarm_emails must be an e-mail address."
  }

  # The domains reserved for examples (RFC 2606) receive no mail: alarms sent there reach
  # no one.
  validation {
    condition     = !anytrue([for address in var.alarm_emails : can(regex("[@.]example\\.(com|net|org)$", lower(address)))])
    error_message = "alarm_emails holds a placeholder address (${join(", ", [for address in var.alarm_emails : address if can(regex("[@.]example\\.(com|net|org)$", lower(address)))])}): example.com, example.net and example.org receive no mail, so no alarm would reach anyone. Set alarm_emails in the environment's live/<env>/env.hcl to addresses someone reads."
  }

  validation {
    condition     = !var.require_alarm_emails || length(var.alarm_emails) > 0
    error_message = "alarm_emails is empty, but this environment requires someone to receive its alarms (require_alarm_emails): set alarm_emails in the environment's live/<env>/env.hcl to the addresses of whoever is on call."
  }
}

variable "require_alarm_emails" {
  type        = bool
  description = "Refuse to plan without an alarm address (prod): an alarm nobody receives is no alarm."
  default     = false
}

variable "function_names" {
  type        = list(string)
  description = "Lambda functions of the environment (modules/lambda-function), each with an errors and a throttles alarm; empty where both services run on Fargate."
  default     = []
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the services' own metrics (their INGEST_METRICS_NAMESPACE and PERSIST_METRICS_NAMESPACE), e.g. ingest-pipeline-prod."

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 letters, digits or . _ / # : -, and not start with AWS/ (reserved for AWS services)."
  }
}

variable "runbook_url" {
  type        = string
  description = "Address of docs/runbooks.md as the on-call reads it, e.g. https://github.com/<owner>/<repo>/blob/main/docs/runbooks.md; each alarm's description links to its section."

  validation {
    condition     = can(regex("^https://[^[:space:]#]+$", var.runbook_url))
    error_message = "runbook_url must be an https address without a fragment."
  }
}

variable "end_to_end_age_alarm_seconds" {
  type        = number
  description = "Alarm when a message takes longer than this from acceptance to its object (persist.message.age), in 3 of 5 minutes."
  default     = 300

  validation {
    condition     = var.end_to_end_age_alarm_seconds >= 1
    error_message = "end_to_end_age_alarm_seconds must be at least 1."
  }
}

variable "unavailable_rate_alarm_percent" {
  type        = number
  description = "Alarm when the API answers 503 to more than this share of its requests, in 3 of 5 minutes."
  default     = 5

  validation {
    condition     = var.unavailable_rate_alarm_percent > 0 && var.unavailable_rate_alarm_percent <= 100
    error_message = "unavailable_rate_alarm_percent must be between 0 and 100."
  }
}
