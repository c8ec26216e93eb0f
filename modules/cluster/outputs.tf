output "cluster_name" {
  description = "Name of the cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the cluster, for services and the CI role."
  value       = aws_ecs_cluster.this.arn
}
