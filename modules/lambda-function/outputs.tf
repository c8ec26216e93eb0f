output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "alias_arn" {
  description = "ARN of the live alias, which the triggers invoke."
  value       = aws_lambda_alias.live.arn
}

output "role_arn" {
  description = "The function's role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "version" {
  description = "The version published by this apply, which the live alias points at."
  value       = aws_lambda_function.this.version
}
