output "bucket_name" {
  description = "Name of the bucket (PERSIST_BUCKET_NAME)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket, for IAM policies."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "The KMS key that encrypts objects (never null); the worker's role needs data-key use on it."
  value       = local.kms_key_arn
}
