output "parameter_name" {
  description = "Name of the SecureString parameter (INGEST_TOKEN_PARAMETER)."
  value       = aws_ssm_parameter.token.name
}

output "parameter_arn" {
  description = "ARN of the parameter, for the API's ssm:GetParameter permission."
  value       = aws_ssm_parameter.token.arn
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts the parameter, for the API's kms:Decrypt permission."
  value       = aws_kms_key.token.arn
}
