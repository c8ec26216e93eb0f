output "dns_name" {
  description = "DNS name of the load balancer: the base URL's host over plain HTTP; over HTTPS, where domain_name's DNS record points (and where a smoke test connects)."
  value       = aws_lb.this.dns_name
}

output "base_url" {
  description = "Base URL of the API: https://<domain_name> with a certificate (the name it is for), else http://<dns_name>."
  value       = local.https ? "https://${var.domain_name}" : "http://${aws_lb.this.dns_name}"
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer, for CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn" {
  description = "Target group of the API service."
  value       = aws_lb_target_group.api.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, for CloudWatch metrics and request-count scaling."
  value       = aws_lb_target_group.api.arn_suffix
}

output "security_group_id" {
  description = "Security group of the load balancer; the API tasks admit traffic only from it."
  value       = aws_security_group.alb.id
}
