output "repository_urls" {
  description = "Repository URL by repository name, for image references and docker push."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by repository name, for the CI role's push permission."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.arn }
}
