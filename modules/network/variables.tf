variable "name" {
  type        = string
  description = "Name prefix of the network's resources, e.g. ingest-pipeline-dev."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,40}$", var.name))
    error_message = "The name must be 1 to 40 lowercase letters, digits or hyphens."
  }
}

variable "cidr_block" {
  type        = string
  description = "IPv4 range of the VPC; subnets are /24s carved from it."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be an IPv4 CIDR of /20 or larger."
  }
}

variable "az_count" {
  type        = number
  description = "Availability zones to span: 2 or 3."
  default     = 2

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }
}

variable "nat_gateway" {
  type        = bool
  description = "NAT for the private subnets, so that tasks there reach AWS APIs. false when nothing runs there (every service on Lambda, outside the VPC): the private subnets then have no route out, and the NAT gateway's hourly cost is saved."
  default     = true
}

variable "nat_gateway_per_az" {
  type        = bool
  description = "One NAT gateway per availability zone (resilient to an AZ outage) instead of one shared NAT gateway (cheaper)."
  default     = false
}

variable "flow_log_retention_days" {
  type        = number
  description = "Days to keep VPC flow logs (rejected traffic) in CloudWatch Logs; 0 turns flow logs off."
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be 0 or a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}
