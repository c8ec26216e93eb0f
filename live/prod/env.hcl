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

  ingress_cidr_blocks = ["0.0.0.0/0"]
  certificate_arn     = null

  api    = { cpu = 1024, memory = 2048, min_count = 2, max_count = 10, requests_per_target = 1000 }
  worker = { cpu = 1024, memory = 2048, min_count = 2, max_count = 10, backlog_per_task = 500 }

  max_receive_count = 5
  alarm_emails      = []
}
