variable "project" {
  type        = string
  description = "Project name; environments are named <project>-<env> (clusters, services, roles)."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,30}$", var.project))
    error_message = "project must be 1 to 30 lowercase letters, digits or hyphens."
  }
}

variable "environments" {
  type        = list(string)
  description = "Environments the deploy role may deploy, e.g. [\"dev\", \"prod\"]; also the GitHub environments its trust admits."

  validation {
    condition     = length(var.environments) > 0 && alltrue([for env in var.environments : can(regex("^[a-z0-9]{1,10}$", env))])
    error_message = "Each environment must be 1 to 10 lowercase letters or digits."
  }
}

variable "github_repository" {
  type        = string
  description = "The GitHub repository allowed to assume the role, as owner/name."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }

  # What env.hcl ships until it is set (your-org/...), and its obvious kin: roles trusting a
  # repository nobody deploys from would be created for nothing.
  validation {
    condition     = !can(regex("^(your([-_]?(org|organi[sz]ation|name|user|username|account|company|team|owner))?|my[-_]?(org|organi[sz]ation|user|username|account|company|team)|owner|org|example|changeme|change-me|replace-?me|placeholder|todo|xxx+)/", lower(var.github_repository)))
    error_message = "github_repository ${var.github_repository} is a placeholder: set github_repository in live/global/env.hcl to the GitHub repository (owner/name) whose workflows deploy."
  }
}

variable "create_oidc_provider" {
  type        = bool
  description = "Create the account's GitHub OIDC provider; false when the account has one already."
  default     = true
}

variable "ecr_repository_arns" {
  type        = list(string)
  description = "ECR repositories the workflow pushes images to."
}

variable "state_bucket_name" {
  type        = string
  description = "Terraform state bucket; the role reads every state (dependency outputs) and writes only the service units' states."
}

variable "artifact_bucket_name" {
  type        = string
  description = "Bucket of the services' Lambda jars: the push role writes them, the deploy roles read them for the functions."
}

variable "services" {
  type        = list(string)
  description = "Short names of the services the workflow deploys."
  default     = ["api", "worker"]
}
