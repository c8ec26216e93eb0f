# Inputs of the dev environment. Prod differs in these values only; the units'
# wiring is shared (live/_units).
locals {
  environment = "dev"
  aws_region  = "eu-west-1"

  az_count           = 2
  nat_gateway_per_az = false
  vpc_cidr_block     = "10.10.0.0/16"

  log_retention_days  = 30
  deletion_protection = false
  # A dev bucket may be destroyed with its objects; prod keeps the default (false).
  bucket_force_destroy = true
  # Objects expire after 30 days in dev, earlier versions after 7. No transition: a message
  # is a few KiB, and STANDARD_IA bills each object as 128 KiB.
  archive = { expiration_days = 30, noncurrent_version_expiration_days = 7, transition_to_infrequent_access_days = null }

  ingress_cidr_blocks = ["0.0.0.0/0"]
  # No certificate: dev serves plain HTTP, so the token crosses the internet in clear text
  # on every request. Set an ACM certificate ARN here to serve HTTPS (HTTP then redirects).
  certificate_arn = null
  # With a certificate, the name it is for (base_url is then https://<domain_name>).
  domain_name   = null
  require_https = false

  # Where each service runs: "lambda" (the same beans through the Lambda adapter, near-zero
  # cost at idle) or "fargate" (web containers on ECS). cpu, memory and the counts size
  # Fargate tasks; function_memory_mb sizes the function (and its CPU share). The worker's
  # concurrency is the most messages in process at once, per task on Fargate, across all
  # its functions on Lambda (10..1000); message_timeout_seconds bounds one message's upload.
  api    = { runtime = "lambda", function_memory_mb = 1536, cpu = 512, memory = 1024, min_count = 1, max_count = 2, requests_per_target = 1000 }
  worker = { runtime = "lambda", function_memory_mb = 1536, cpu = 512, memory = 1024, min_count = 1, max_count = 2, backlog_per_task = 500, concurrency = 10, message_timeout_seconds = 10 }

  max_receive_count = 5
  # Who receives the alarms: each address gets a confirmation mail from AWS on apply. dev
  # may have none (require_alarm_emails = false); addresses at the domains reserved for
  # examples (example.com, .org, .net) are refused, as they receive no mail.
  alarm_emails         = []
  require_alarm_emails = false
}
