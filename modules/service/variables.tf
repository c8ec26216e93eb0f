variable "name" {
  type        = string
  description = "Name of the service, its task family, roles and log group, e.g. ingest-pipeline-dev-api."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,48}$", var.name))
    error_message = "The name must be 1 to 48 lowercase letters, digits or hyphens."
  }
}

variable "cluster_arn" {
  type        = string
  description = "ARN of the ECS cluster."
}

variable "cluster_name" {
  type        = string
  description = "Name of the ECS cluster, for autoscaling and metrics."
}

variable "repository_url" {
  type        = string
  description = "ECR repository URL of the image, without tag."
}

variable "repository_arn" {
  type        = string
  description = "ECR repository ARN; the execution role may pull from it only."
}

variable "image_tag" {
  type        = string
  description = "Image tag to run (the CD workflow passes the commit SHA). Tags are immutable, so a tag names one image. Empty only for a teardown: a plan that would create or change the task definition refuses it."

  validation {
    condition     = var.image_tag == "" || can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid image tag (or empty, for a teardown)."
  }
}

variable "cpu" {
  type        = number
  description = "Task CPU units."
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be 256, 512, 1024, 2048 or 4096."
  }
}

variable "memory" {
  type        = number
  description = "Task memory in MiB (a Fargate-valid pair with cpu)."
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720
    error_message = "memory must be between 512 and 30720 MiB."
  }
}

variable "container_port" {
  type        = number
  description = "Port the container serves on (SERVER_PORT): the API's traffic, or only the health check for the worker."
}

variable "health_check_path" {
  type        = string
  description = "Readiness path (503 while a dependency is down): the load balancer's target check. The container health check asks liveness_path instead."
  default     = "/health"
}

variable "liveness_port" {
  type        = number
  description = "Port of the container's liveness check: the application's management port (MANAGEMENT_SERVER_PORT)."

  validation {
    condition     = var.liveness_port >= 1 && var.liveness_port <= 65535
    error_message = "liveness_port must be a TCP port."
  }
}

variable "liveness_path" {
  type        = string
  description = "Liveness path on liveness_port, for the container health check. Readiness (health_check_path) stays with the load balancer, so a dependency outage makes ECS replace no task."
  default     = "/actuator/health/liveness"

  validation {
    condition     = startswith(var.liveness_path, "/")
    error_message = "liveness_path must start with '/'."
  }
}

variable "environment" {
  type        = map(string)
  description = "The application's settings as environment variables: exactly the names README documents."
  default     = {}
}

variable "stop_timeout_seconds" {
  type        = number
  description = "Time between SIGTERM and SIGKILL; longer than the application's own shutdown budget."
  default     = 45

  validation {
    condition     = var.stop_timeout_seconds >= 2 && var.stop_timeout_seconds <= 120
    error_message = "stop_timeout_seconds must be between 2 and 120 (Fargate's limit)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the tasks."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the tasks, across availability zones; tasks get no public IP."
}

variable "load_balancer" {
  type = object({
    target_group_arn  = string
    security_group_id = string
  })
  description = "Target group to register with and the load balancer's security group, the only source admitted; null for a service without inbound traffic (the worker)."
  default     = null
}

variable "task_role_policy_json" {
  type        = string
  description = "IAM policy of the task role: what the application may do in AWS, nothing wider."
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the container logs."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts."
  }
}

variable "desired_count" {
  type        = number
  description = "Tasks at creation; autoscaling moves it between min_count and max_count afterwards."
  default     = 1
}

variable "min_count" {
  type        = number
  description = "Fewest tasks."
  default     = 1

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  type        = number
  description = "Most tasks."
  default     = 4

  validation {
    condition     = var.max_count >= 1 && var.max_count <= 1000
    error_message = "max_count must be between 1 and 1000."
  }
}

variable "health_check_grace_period_seconds" {
  type        = number
  description = "Time after a task starts during which failing load balancer health checks do not stop it."
  default     = 60
}

variable "scaling" {
  type = object({
    kind                       = string
    target                     = number
    alb_resource_label         = optional(string)
    queue_name                 = optional(string)
    scale_in_cooldown_seconds  = optional(number, 120)
    scale_out_cooldown_seconds = optional(number, 30)
  })
  description = "Target tracking: kind = requests (ALB requests per target, needs alb_resource_label), cpu (average CPU %), or sqs_backlog (visible messages per running task, needs queue_name)."

  validation {
    condition     = contains(["requests", "cpu", "sqs_backlog"], var.scaling.kind) && var.scaling.target > 0
    error_message = "scaling.kind must be requests, cpu or sqs_backlog, with a positive target."
  }
}
