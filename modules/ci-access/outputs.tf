output "push_role_arn" {
  description = "Role the image job on main assumes (repository variable AWS_PUSH_ROLE_ARN)."
  value       = aws_iam_role.push.arn
}

output "deploy_role_arns" {
  description = "Deploy role of each environment (environment variable AWS_DEPLOY_ROLE_ARN of that GitHub environment)."
  value       = { for env, role in aws_iam_role.deploy : env => role.arn }
}

output "oidc_provider_arn" {
  description = "The account's GitHub OIDC provider."
  value       = local.oidc_provider_arn
}
