mock_provider "aws" {
  source = "../_test"
}

variables {
  name              = "ingest-pipeline-dev"
  vpc_id            = "vpc-00000000000000000"
  vpc_cidr_block    = "10.10.0.0/16"
  public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"]
}

run "plain_http" {
  command = plan

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && !aws_lb.this.internal
    error_message = "A public load balancer that drops invalid headers."
  }

  assert {
    condition     = one(aws_lb_listener.http.default_action).type == "forward" && length(aws_lb_listener.https) == 0
    error_message = "Without a certificate, HTTP forwards and there is no HTTPS listener."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.targets.cidr_ipv4 == "10.10.0.0/16" && aws_vpc_security_group_egress_rule.targets.from_port == 8080
    error_message = "The load balancer reaches only the API's port, inside the VPC (an input: no data source read by a mocked id)."
  }

  assert {
    condition     = one(aws_lb_target_group.api.health_check).path == "/health" && aws_lb_target_group.api.target_type == "ip"
    error_message = "IP targets checked on readiness (/health)."
  }

  assert {
    condition     = !aws_lb.this.enable_deletion_protection
    error_message = "Deletion protection is an input, off by default."
  }
}

run "refuses_plain_http_where_https_is_required" {
  command = plan
  variables {
    require_https = true
  }
  expect_failures = [aws_lb_listener.http]
}

run "https" {
  command = plan

  variables {
    certificate_arn     = "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    domain_name         = "api.ingest-pipeline.dev"
    require_https       = true
    deletion_protection = true
  }

  assert {
    condition     = one(aws_lb_listener.http.default_action).type == "redirect" && one(one(aws_lb_listener.http.default_action).redirect).protocol == "HTTPS"
    error_message = "With a certificate, HTTP only redirects to HTTPS."
  }

  assert {
    condition     = aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "HTTPS uses a TLS 1.2+ policy."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.https) == 1 && aws_lb.this.enable_deletion_protection
    error_message = "HTTPS is open to the allowed ranges; deletion protection follows the input."
  }
}

# env.hcl's placeholder has an ARN's shape: the plan refuses it, before the load balancer
# (with deletion protection) exists and the HTTPS listener fails.
run "refuses_the_placeholder_certificate" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    domain_name     = "api.ingest-pipeline.dev"
    require_https   = true
  }

  expect_failures = [var.certificate_arn]
}

# The URL clients use: over HTTPS the certificate's name, which no record here points at
# the load balancer (that is the user's DNS); over plain HTTP the load balancer's own name.
run "base_url_is_the_domain_over_https" {
  command = apply

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    domain_name     = "api.ingest-pipeline.dev"
  }

  assert {
    condition     = output.base_url == "https://api.ingest-pipeline.dev"
    error_message = "With a certificate, base_url is https://<domain_name>: a request to the load balancer's own name fails the certificate's host-name check."
  }

  assert {
    condition     = output.dns_name == "mock-123.eu-west-1.elb.amazonaws.com"
    error_message = "dns_name stays the load balancer's: where the domain's record points, and where a smoke test connects."
  }
}

run "base_url_is_the_load_balancer_over_http" {
  command = apply

  assert {
    condition     = output.base_url == "http://mock-123.eu-west-1.elb.amazonaws.com"
    error_message = "Without a certificate, base_url is the load balancer's own name over plain HTTP."
  }
}

# A certificate is for a name: without it, base_url would name a host the certificate
# does not cover.
run "requires_a_domain_with_the_certificate" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
  }

  expect_failures = [var.domain_name]
}

# A domain without a certificate would be served over plain HTTP under a name no one checks.
run "refuses_a_domain_without_a_certificate" {
  command = plan

  variables {
    domain_name = "api.ingest-pipeline.dev"
  }

  expect_failures = [var.domain_name]
}

# env.hcl's placeholder is a name reserved for examples (RFC 2606): the plan refuses it.
run "refuses_the_placeholder_domain" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    domain_name     = "api.example.com"
    require_https   = true
  }

  expect_failures = [var.domain_name]
}

run "lambda_targets" {
  command = plan

  variables {
    target_type = "lambda"
  }

  assert {
    condition     = aws_lb_target_group.api.target_type == "lambda" && aws_lb_target_group.api.port == null && aws_lb_target_group.api.vpc_id == null
    error_message = "A Lambda target group has no port and no VPC."
  }

  assert {
    condition     = one(aws_lb_target_group.api.health_check).path == "/health" && one(aws_lb_target_group.api.health_check).interval == 60
    error_message = "The function answers the readiness path; the check runs once a minute, since each one is an invocation."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                         = "a-name-that-is-too-long-for-a-target-group"
    vpc_cidr_block               = "10.10.0.0"
    public_subnet_ids            = ["subnet-00000000000000001"]
    ingress_cidr_blocks          = ["everywhere"]
    deregistration_delay_seconds = 3601
    certificate_arn              = "arn:aws:iam::123456789012:server-certificate/api"
    target_type                  = "instance"
  }

  expect_failures = [
    var.target_type,
    var.name,
    var.vpc_cidr_block,
    var.public_subnet_ids,
    var.ingress_cidr_blocks,
    var.deregistration_delay_seconds,
    var.certificate_arn,
  ]
}

# On its own: domain_name's validations read certificate_arn, so Terraform skips them
# while certificate_arn is invalid.
run "rejects_a_url_as_domain" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c9d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    domain_name     = "https://API.ingest-pipeline.dev/"
  }

  expect_failures = [var.domain_name]
}
