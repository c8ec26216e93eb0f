output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; subscribe more endpoints to it."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
