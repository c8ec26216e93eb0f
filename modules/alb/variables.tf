variable "name" {
  type        = string
  description = "Name of the load balancer and prefix of its target group, e.g. ingest-pipeline-dev."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,26}$", var.name))
    error_message = "The name must be 1 to 26 lowercase letters, digits or hyphens (target group names are limited to 32)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the load balancer and its targets."
}

variable "vpc_cidr_block" {
  type        = string
  description = "IPv4 range of the VPC: the load balancer may reach its targets there only. An input, not a data source read by vpc_id, so that a fresh environment plans with the network unit's mocked outputs."

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be an IPv4 CIDR block."
  }
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets, at least two availability zones."

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An application load balancer needs subnets in at least two availability zones."
  }
}

variable "ingress_cidr_blocks" {
  type        = list(string)
  description = "IPv4 ranges allowed to reach the listeners."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.ingress_cidr_blocks : can(cidrnetmask(cidr))])
    error_message = "Each entry must be an IPv4 CIDR block."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for an HTTPS listener; with it, HTTP only redirects to HTTPS. Null serves plain HTTP: the token then crosses the network in clear text."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }

  # The ARN env.hcl ships until one is set: of the right shape, so only its id tells it.
  validation {
    condition     = var.certificate_arn == null || !endswith(coalesce(var.certificate_arn, "-"), ":certificate/00000000-0000-0000-0000-000000000000")
    error_message = "certificate_arn is the placeholder ${coalesce(var.certificate_arn, "-")} (an all-zero certificate id): no certificate has it, and the HTTPS listener would fail half-way through the apply, after the load balancer exists. Set certificate_arn in the environment's live/<env>/env.hcl to an ACM certificate of your account, in the load balancer's region."
  }
}

variable "domain_name" {
  type        = string
  description = "The name clients use and certificate_arn's certificate is for, e.g. api.ingest.example.org: base_url is https://<domain_name>. Required with certificate_arn, null without it. No DNS record is managed here: point one (CNAME or alias) at dns_name."
  default     = null

  validation {
    condition     = var.domain_name == null || (can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.domain_name)) && length(coalesce(var.domain_name, "-")) <= 253)
    error_message = "domain_name must be a host name in lowercase, such as api.ingest.example.org: labels of letters, digits and hyphens separated by dots, with no scheme, port or path."
  }

  # The name env.hcl ships until one is set: reserved for examples (RFC 2606), so no
  # certificate of yours is for it.
  validation {
    condition     = !can(regex("(^|\\.)example\\.(com|net|org)$", lower(coalesce(var.domain_name, "-"))))
    error_message = "domain_name is the placeholder ${coalesce(var.domain_name, "-")} (example.com, example.net and example.org are reserved for examples): no certificate of yours is for it, and the smoke test of the deploy would call a host that is not yours. Set domain_name in the environment's live/<env>/env.hcl to the name certificate_arn's certificate is for, and point a DNS record of that name at the load balancer's dns_name."
  }

  validation {
    condition     = var.certificate_arn == null || var.domain_name != null
    error_message = "domain_name is null, but certificate_arn is set: a certificate is for a name, and clients (the deploy's smoke test too) must call that name, or TLS fails its host-name check on the load balancer's own. Set domain_name in the environment's live/<env>/env.hcl to the name the certificate is for."
  }

  validation {
    condition     = var.domain_name == null || var.certificate_arn != null
    error_message = "domain_name is set, but certificate_arn is null: the API is served under its domain over HTTPS only. Set certificate_arn to an ACM certificate for ${coalesce(var.domain_name, "-")}, or domain_name to null for plain HTTP on the load balancer's own name."
  }
}

variable "require_https" {
  type        = bool
  description = "Refuse to plan without a certificate (prod): every request carries the token."
  default     = false
}

variable "target_type" {
  type        = string
  description = "What serves the API: ip (Fargate tasks) or lambda (the API's function)."
  default     = "ip"

  validation {
    condition     = contains(["ip", "lambda"], var.target_type)
    error_message = "target_type must be ip or lambda."
  }
}

variable "target_port" {
  type        = number
  description = "Container port of the API (SERVER_PORT)."
  default     = 8080
}

variable "health_check_path" {
  type        = string
  description = "Readiness path of the API."
  default     = "/health"
}

variable "deregistration_delay_seconds" {
  type        = number
  description = "How long a draining target keeps its in-flight requests; short, as requests take milliseconds."
  default     = 15

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the load balancer until this is turned off."
  default     = false
}

variable "idle_timeout_seconds" {
  type        = number
  description = "Idle connection timeout."
  default     = 60
}
