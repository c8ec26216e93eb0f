variable "name" {
  type        = string
  description = "Name of the ECS cluster."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "The name must be 1 to 255 letters, digits, hyphens or underscores."
  }
}

variable "container_insights" {
  type        = string
  description = "Container Insights level: enhanced, enabled or disabled."
  default     = "enhanced"

  validation {
    condition     = contains(["enhanced", "enabled", "disabled"], var.container_insights)
    error_message = "container_insights must be enhanced, enabled or disabled."
  }
}

variable "fargate_base" {
  type        = number
  description = "Tasks always placed on FARGATE (on-demand) before the weights apply."
  default     = 1

  validation {
    condition     = var.fargate_base >= 0 && var.fargate_base <= 100000
    error_message = "fargate_base must be between 0 and 100000."
  }
}

variable "fargate_spot_weight" {
  type        = number
  description = "Relative share of tasks beyond the base placed on FARGATE_SPOT (FARGATE has weight 1); 0 uses no Spot."
  default     = 0

  validation {
    condition     = var.fargate_spot_weight >= 0 && var.fargate_spot_weight <= 1000
    error_message = "fargate_spot_weight must be between 0 and 1000."
  }
}
