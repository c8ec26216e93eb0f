mock_provider "aws" {
  source = "../_test"
}

variables {
  name       = "ingest-pipeline-dev"
  cidr_block = "10.10.0.0/16"
  az_count   = 2
}

run "plan" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "One public and one private subnet per availability zone."
  }

  assert {
    condition     = alltrue([for subnet in concat(aws_subnet.public, aws_subnet.private) : !subnet.map_public_ip_on_launch])
    error_message = "No subnet hands out public IPs."
  }

  assert {
    condition     = [for subnet in aws_subnet.private : subnet.cidr_block] == ["10.10.10.0/24", "10.10.11.0/24"]
    error_message = "Private subnets are /24s carved from the VPC range."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1
    error_message = "One shared NAT gateway unless nat_gateway_per_az."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "S3 traffic takes a gateway endpoint, not the NAT."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 30 && aws_flow_log.this[0].traffic_type == "REJECT"
    error_message = "Rejected traffic is logged, with bounded retention."
  }
}

# The default group's rules are known once applied (against the mocked provider).
run "applied" {
  command = apply

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group admits nothing."
  }
}

run "resilient" {
  command = plan

  variables {
    az_count           = 3
    nat_gateway_per_az = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_route.private_nat) == 3
    error_message = "A NAT gateway per zone, each private route table to its own."
  }
}

run "without_nat" {
  command = plan

  variables {
    nat_gateway = false
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "No NAT gateway, address or route out of the private subnets when nothing runs there."
  }

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "The subnets stay: the load balancer needs the public ones."
  }
}

run "without_flow_logs" {
  command = plan

  variables {
    flow_log_retention_days = 0
  }

  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_iam_role.flow_logs) == 0
    error_message = "0 turns flow logs off."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                    = "Ingest_Pipeline"
    cidr_block              = "10.10.0.0/24"
    az_count                = 1
    flow_log_retention_days = 2
  }

  expect_failures = [
    var.name,
    var.cidr_block,
    var.az_count,
    var.flow_log_retention_days,
  ]
}
