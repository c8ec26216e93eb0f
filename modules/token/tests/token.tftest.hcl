# Terraform 1.11 cannot mock ephemeral resources, so this module plans with the real AWS
# provider. tools/infra-check/terraform.mjs points every AWS endpoint at a local stub
# (AWS_ENDPOINT_URL) that answers Secrets Manager's GetRandomPassword; nothing reaches AWS,
# and a plan creates nothing.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  parameter_name = "/ingest-pipeline/dev/token"
}

run "plan" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.token.type == "SecureString" && aws_ssm_parameter.token.name == var.parameter_name
    error_message = "The token is a SecureString at parameter_name."
  }

  assert {
    condition     = aws_ssm_parameter.token.value_wo == null && aws_ssm_parameter.token.value_wo_version == 1
    error_message = "The value is written write-only: never in the plan or the state."
  }

  assert {
    condition     = aws_kms_key.token.enable_key_rotation && aws_kms_key.token.deletion_window_in_days == 30
    error_message = "The token's own KMS key rotates, with the full deletion window."
  }

  assert {
    condition     = aws_kms_alias.token.name == "alias/ingest-pipeline/dev/token"
    error_message = "The key's alias names the parameter."
  }

  assert {
    condition     = output.parameter_name == var.parameter_name
    error_message = "parameter_name is the API's INGEST_TOKEN_PARAMETER."
  }
}

run "rotation_raises_the_version" {
  command = plan

  variables {
    token_version = 2
  }

  assert {
    condition     = aws_ssm_parameter.token.value_wo_version == 2
    error_message = "Raising token_version writes a new token."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    parameter_name           = "ingest-pipeline/token"
    token_version            = 1.5
    kms_deletion_window_days = 31
  }

  expect_failures = [
    var.parameter_name,
    var.token_version,
    var.kms_deletion_window_days,
  ]
}
