# Root Terragrunt configuration, included by every unit under live/. Named root.hcl:
# a root terragrunt.hcl is deprecated since Terragrunt 0.70.
locals {
  project     = "ingest-pipeline"
  env         = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  environment = local.env.environment
  aws_region  = local.env.aws_region
  unit        = basename(get_terragrunt_dir())
}

terraform_version_constraint  = ">= 1.11"
terragrunt_version_constraint = ">= 1.0"

# One state object per environment and unit, encrypted, locked with an S3 lock file.
# The state bucket is created on first use with --backend-bootstrap.
remote_state {
  backend = "s3"

  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }

  config = {
    bucket       = "${local.project}-tfstate-${get_aws_account_id()}"
    key          = "${local.environment}/${local.unit}/terraform.tfstate"
    region       = local.aws_region
    encrypt      = true
    use_lockfile = true
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "aws" {
      region = "${local.aws_region}"

      default_tags {
        tags = {
          Project     = "${local.project}"
          Environment = "${local.environment}"
          ManagedBy   = "terragrunt"
          Unit        = "${local.unit}"
        }
      }
    }
  EOT
}
