# Inputs of the prod environment: bigger tasks, at least two tasks per service across
# three availability zones, a NAT gateway per zone, deletion protection, longer
# retention. The units' wiring is shared with dev (live/_units).
locals {
  environment = "prod"
  aws_region  = "eu-west-1"

  az_count           = 3
  nat_gateway_per_az = true
  vpc_cidr_block     = "10.20.0.0/16"

  log_retention_days   = 365
  deletion_protection  = true
  bucket_force_destroy = false
  # YOUR CHOICE: prod keeps every object (expiration_days = null) until you set how long your
  # records must be kept, e.g. 2557 for seven years. Earlier versions (an object is written
  # once; a version appears only if someone overwrites or deletes one) expire after 90 days.
  # No transition: a message is a few KiB, and STANDARD_IA bills each object as 128 KiB
  # (only larger objects would move if you set one).
  archive = { expiration_days = null, noncurrent_version_expiration_days = 90, transition_to_infrequent_access_days = null }

  ingress_cidr_blocks = ["0.0.0.0/0"]
  # Prod serves HTTPS only (HTTP redirects), and refuses to plan without a certificate.
  # REPLACE with your ACM certificate for the API's domain, in this region: the plan
  # refuses this placeholder (its all-zero certificate id) before anything is created.
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  # REPLACE with the name that certificate is for, which clients call (base_url is
  # https://<domain_name>); point its DNS record at the alb unit's dns_name. The plan
  # refuses this placeholder (a name reserved for examples).
  domain_name   = "api.example.com"
  require_https = true

  # Where each service runs: "fargate" (web containers on ECS) or "lambda" (the same beans
  # through the Lambda adapter). cpu, memory and the counts size Fargate tasks;
  # function_memory_mb sizes the function if a service is switched to Lambda.
  api    = { runtime = "fargate", function_memory_mb = 1536, cpu = 1024, memory = 2048, min_count = 2, max_count = 10, requests_per_target = 1000 }
  worker = { runtime = "fargate", function_memory_mb = 1536, cpu = 1024, memory = 2048, min_count = 2, max_count = 10, backlog_per_task = 500, concurrency = 64, message_timeout_seconds = 10 }

  max_receive_count = 5
  # Who receives the alarms: each address gets a confirmation mail from AWS on apply.
  # REPLACE: prod refuses to plan without one (require_alarm_emails). It ships an empty
  # list, not a placeholder address, so that nothing here looks set while it is not;
  # placeholders such as alerts@example.com are refused too (example.com, .net and .org
  # receive no mail).
  alarm_emails         = []
  require_alarm_emails = true
}
