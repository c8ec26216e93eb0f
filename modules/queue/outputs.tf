output "queue_name" {
  description = "Name of the queue (INGEST_QUEUE_NAME and PERSIST_QUEUE_NAME)."
  value       = aws_sqs_queue.this.name
}

output "queue_url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the queue, for IAM policies and alarms."
  value       = aws_sqs_queue.this.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue, for alarms."
  value       = aws_sqs_queue.dead_letter.name
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.arn
}

output "visibility_timeout_seconds" {
  description = "The visibility timeout derived from the worker's budgets."
  value       = local.visibility_timeout_seconds
}

output "max_message_size" {
  description = "Largest message in bytes the queue takes: the API's INGEST_BODY_LIMIT may not exceed it."
  value       = aws_sqs_queue.this.max_message_size
}
