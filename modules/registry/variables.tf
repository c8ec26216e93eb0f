variable "repository_names" {
  type        = set(string)
  description = "Names of the ECR repositories, one per image (e.g. ingest-pipeline/api, ingest-pipeline/worker)."

  validation {
    condition     = length(var.repository_names) > 0 && alltrue([for name in var.repository_names : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", name))])
    error_message = "Each repository name must be lowercase path segments of letters and digits separated by . _ or -."
  }
}

variable "keep_tagged_images" {
  type        = number
  description = "How many tagged images each repository keeps; older ones expire."
  default     = 30

  validation {
    condition     = var.keep_tagged_images >= 1
    error_message = "keep_tagged_images must be at least 1."
  }
}

variable "untagged_expiry_days" {
  type        = number
  description = "Days after which untagged images expire."
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1
    error_message = "untagged_expiry_days must be at least 1."
  }
}

variable "force_delete" {
  type        = bool
  description = "Let terraform destroy delete repositories that still hold images (without it, destroy stops at RepositoryNotEmptyException). Loosens the default on purpose: for images rebuilt from their commit."
  default     = false
}
