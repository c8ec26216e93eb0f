variable "name" {
  type        = string
  description = "Globally unique name of the bucket."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !can(regex("\\.\\.", var.name))
    error_message = "The name must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key for SSE-KMS; null creates one for this bucket, with rotation."
  default     = null
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the bucket's own KMS key is deleted after a destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "versioning" {
  type        = bool
  description = "Keep earlier versions of overwritten or deleted objects."
  default     = true
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which earlier versions are deleted."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "transition_to_infrequent_access_days" {
  type        = number
  description = "Days after which objects larger than 128 KiB (the least STANDARD_IA bills) move to STANDARD_IA; null keeps every object in STANDARD."
  default     = null

  validation {
    condition     = var.transition_to_infrequent_access_days == null || try(var.transition_to_infrequent_access_days >= 30, false)
    error_message = "S3 moves objects to STANDARD_IA after 30 days at the earliest."
  }
}

variable "expiration_days" {
  type        = number
  description = "Days after which objects are deleted; null keeps them."
  default     = null

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1, false)
    error_message = "expiration_days must be at least 1, or null."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete a bucket that still holds objects. Loosens the default on purpose: for throw-away environments only."
  default     = false
}
