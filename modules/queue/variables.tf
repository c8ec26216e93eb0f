variable "name" {
  type        = string
  description = "Name of the queue; the dead-letter queue is <name>-dlq."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "The name must be 1 to 76 letters, digits, hyphens or underscores (the -dlq suffix must fit in 80)."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives of a message that was never deleted before the redrive policy moves it to the dead-letter queue."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "worker_message_timeout_seconds" {
  type        = number
  description = "Longest time the worker may spend on one message: its PERSIST_BUCKET_TIMEOUT in seconds (the environment's worker.message_timeout_seconds)."
  default     = 10

  validation {
    condition     = var.worker_message_timeout_seconds >= 1 && var.worker_message_timeout_seconds <= 900
    error_message = "worker_message_timeout_seconds must be between 1 and 900."
  }
}

variable "worker_shutdown_budget_seconds" {
  type        = number
  description = "The worker's PERSIST_SHUTDOWN_BUDGET in seconds: how long in-flight messages may take after SIGTERM."
  default     = 20

  validation {
    condition     = var.worker_shutdown_budget_seconds >= 1 && var.worker_shutdown_budget_seconds <= 110
    error_message = "worker_shutdown_budget_seconds must be between 1 and 110."
  }
}

variable "retention_seconds" {
  type        = number
  description = "How long the queue keeps a message (SQS allows 60 s to 14 days)."
  default     = 345600

  validation {
    condition     = var.retention_seconds >= 60 && var.retention_seconds <= 1209600
    error_message = "retention_seconds must be between 60 and 1209600."
  }
}

variable "dead_letter_retention_seconds" {
  type        = number
  description = "How long the dead-letter queue keeps a message; longer than the queue's retention."
  default     = 1209600

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be between 60 and 1209600."
  }
}

variable "max_message_size" {
  type        = number
  description = "Largest message in bytes; at least the API's INGEST_BODY_LIMIT."
  default     = 262144

  validation {
    condition     = var.max_message_size >= 1024 && var.max_message_size <= 1048576
    error_message = "max_message_size must be between 1024 and 1048576 bytes."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key for server-side encryption; null uses SQS-managed encryption (SSE-SQS)."
  default     = null
}
