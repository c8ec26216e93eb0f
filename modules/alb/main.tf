locals {
  https          = var.certificate_arn != null
  lambda_targets = var.target_type == "lambda"
}

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Load balancer of ${var.name}: listeners from the allowed ranges, traffic to the API tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-alb" }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  for_each = toset(var.ingress_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTP${local.https ? " (redirected to HTTPS)" : ""}"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = local.https ? toset(var.ingress_cidr_blocks) : toset([])

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.alb.id
  description       = "To the API tasks"
  ip_protocol       = "tcp"
  from_port         = var.target_port
  to_port           = var.target_port
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = var.idle_timeout_seconds
}

# The API's targets: Fargate tasks by IP, or the API's Lambda function (which answers
# the same readiness path). A Lambda target group has no VPC, port or protocol; its health
# check invokes the function, so it runs once a minute rather than every 10 s.
resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-api"
  target_type          = var.target_type
  vpc_id               = local.lambda_targets ? null : var.vpc_id
  protocol             = local.lambda_targets ? null : "HTTP"
  port                 = local.lambda_targets ? null : var.target_port
  deregistration_delay = local.lambda_targets ? null : var.deregistration_delay_seconds

  health_check {
    enabled             = true
    path                = var.health_check_path
    matcher             = "200"
    interval            = local.lambda_targets ? 60 : 10
    timeout             = local.lambda_targets ? 30 : 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  lifecycle {
    precondition {
      condition     = !var.require_https || local.https
      error_message = "require_https is set but certificate_arn is null: this environment must serve HTTPS, since every request carries the token. Set certificate_arn to an ACM certificate for the API's domain, and domain_name to that name."
    }
  }

  default_action {
    type             = local.https ? "redirect" : "forward"
    target_group_arn = local.https ? null : aws_lb_target_group.api.arn

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
