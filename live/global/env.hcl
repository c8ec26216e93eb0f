# Account-wide units, shared by every environment.
locals {
  environment = "global"
  aws_region  = "eu-west-1"

  # The GitHub repository whose workflows may deploy (owner/name).
  github_repository = "your-org/ingest-pipeline"
  environments      = ["dev", "prod"]
}
