resource "aws_kms_key" "token" {
  description             = "Encrypts the ingest API token in ${var.parameter_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
}

resource "aws_kms_alias" "token" {
  name          = "alias${replace(var.parameter_name, "/[^A-Za-z0-9/_-]/", "-")}"
  target_key_id = aws_kms_key.token.key_id
}

# The token is generated and written write-only: it exists in SSM, never in the plan,
# the state or a variable file. Read it with
# aws ssm get-parameter --with-decryption --name <parameter_name>.
ephemeral "aws_secretsmanager_random_password" "token" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "token" {
  name             = var.parameter_name
  description      = "Token that clients of POST /ingest must present"
  type             = "SecureString"
  key_id           = aws_kms_key.token.arn
  value_wo         = ephemeral.aws_secretsmanager_random_password.token.random_password
  value_wo_version = var.token_version
}
