variable "parameter_name" {
  type        = string
  description = "Name of the SecureString parameter that holds the API token (INGEST_TOKEN_PARAMETER)."

  validation {
    # RE2 repeats at most 1000 times: the length is checked on its own.
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.parameter_name)) && length(var.parameter_name) <= 1011
    error_message = "The parameter name must be a path starting with '/' of letters, digits and _.-/ characters."
  }
}

variable "token_version" {
  type        = number
  description = "Version of the write-only value; raise it to make Terraform write a new random token (rotation)."
  default     = 1

  validation {
    condition     = var.token_version >= 1 && floor(var.token_version) == var.token_version
    error_message = "token_version must be a whole number of at least 1."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the KMS key is deleted after a destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
