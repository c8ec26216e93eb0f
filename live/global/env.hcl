# Account-wide units, shared by every environment.
locals {
  environment = "global"
  aws_region  = "eu-west-1"

  # The GitHub repository whose workflows may deploy (owner/name). REPLACE: the plan
  # refuses this placeholder (the owner your-org) before any role is created.
  github_repository = "your-org/ingest-pipeline"
  environments      = ["dev", "prod"]
  # An account has one GitHub OIDC provider. true creates it; false uses the one the
  # account already has (creating a second fails with EntityAlreadyExists).
  create_github_oidc_provider = true
}
