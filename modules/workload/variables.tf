variable "runtime" {
  type        = string
  description = "Where the service's beans run: fargate (a web container on ECS, modules/service) or lambda (the same jar's beans through the Lambda adapter, modules/lambda-function)."

  validation {
    condition     = contains(["fargate", "lambda"], var.runtime)
    error_message = "runtime must be fargate or lambda."
  }
}

variable "name" {
  type        = string
  description = "Name of the service, its roles and its log group, e.g. ingest-pipeline-dev-api."
}

variable "environment" {
  type        = map(string)
  description = "The application's settings under README's names, the same on both runtimes."
}

variable "role_policy_json" {
  type        = string
  description = "What the application does in AWS: the task role's policy on Fargate, the function role's on Lambda."
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the service's logs."
  default     = 30
}

# --- Fargate (modules/service); ignored when runtime = lambda -------------------------

variable "cluster_arn" {
  type        = string
  description = "ECS cluster of the service."
  default     = null
}

variable "cluster_name" {
  type        = string
  description = "Name of the ECS cluster."
  default     = null
}

variable "repository_url" {
  type        = string
  description = "ECR repository of the service's image."
  default     = null
}

variable "repository_arn" {
  type        = string
  description = "ARN of that repository."
  default     = null
}

variable "image_tag" {
  type        = string
  description = "Image tag to run: the commit the delivery workflow built."
  default     = ""
}

variable "cpu" {
  type        = number
  description = "Task CPU units."
  default     = 512
}

variable "memory" {
  type        = number
  description = "Task memory (MiB)."
  default     = 1024
}

variable "desired_count" {
  type        = number
  description = "Tasks at creation."
  default     = 1
}

variable "min_count" {
  type        = number
  description = "Fewest tasks."
  default     = 1
}

variable "max_count" {
  type        = number
  description = "Most tasks."
  default     = 4
}

variable "vpc_id" {
  type        = string
  description = "VPC of the tasks."
  default     = null
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the tasks."
  default     = []
}

variable "health_check_path" {
  type        = string
  description = "Readiness path (the load balancer's health check)."
  default     = "/health"
}

variable "liveness_path" {
  type        = string
  description = "Liveness path on the management port (the container's health check)."
  default     = "/actuator/health/liveness"
}

variable "fargate" {
  type = object({
    container_port       = number
    liveness_port        = number
    stop_timeout_seconds = optional(number, 45)
    load_balancer = optional(object({
      target_group_arn  = string
      security_group_id = string
    }))
    scaling = object({
      kind               = string
      target             = number
      alb_resource_label = optional(string)
      queue_name         = optional(string)
    })
  })
  description = "What this service's container needs besides the shared inputs: ports, load balancer, scaling."
  default     = null

  validation {
    condition     = var.runtime != "fargate" || (var.fargate != null && var.cluster_arn != null && var.repository_url != null && var.vpc_id != null)
    error_message = "runtime = fargate needs the fargate inputs, a cluster, a repository and a VPC."
  }
}

# --- Lambda (modules/lambda-function); ignored when runtime = fargate -----------------

variable "artifact_bucket" {
  type        = string
  description = "S3 bucket of the services' Lambda jars."
  default     = null
}

variable "artifact_key" {
  type        = string
  description = "S3 key of this service's jar: the commit the delivery workflow built, as image_tag on Fargate."
  default     = ""
}

variable "function_memory_mb" {
  type        = number
  description = "Memory of the function (also its CPU share)."
  default     = 1024
}

variable "lambda" {
  type = object({
    function_definition = string
    timeout_seconds     = optional(number, 30)
    snap_start          = optional(bool, true)
    queue = optional(object({
      arn                        = string
      visibility_timeout_seconds = number
      batch_size                 = optional(number, 10)
      batching_window_seconds    = optional(number, 1)
      maximum_concurrency        = optional(number, 10)
    }))
    load_balancer = optional(object({
      target_group_arn = string
    }))
  })
  description = "What this service's function needs besides the shared inputs: its bean, timeout and trigger."
  default     = null

  validation {
    condition     = var.runtime != "lambda" || (var.lambda != null && var.artifact_bucket != null)
    error_message = "runtime = lambda needs the lambda inputs and an artifact bucket."
  }
}
