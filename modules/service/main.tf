data "aws_region" "current" {}

locals {
  image = "${var.repository_url}:${var.image_tag}"
  # Liveness, not readiness: is the process working at all. The image has no curl: the
  # check speaks HTTP over bash's /dev/tcp.
  health_command = "exec 3<>/dev/tcp/127.0.0.1/${var.liveness_port} && printf 'GET ${var.liveness_path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"
  backlog_metric = var.scaling.kind == "sqs_backlog"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
}

# Execution role: what ECS itself needs to start the task, nothing more.
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "EcrAuthorizationToken"
    # GetAuthorizationToken supports no resource-level permission: AWS requires "*".
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullTheImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [var.repository_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-task"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: what the application does in AWS, as passed in by the environment.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  name   = "application"
  role   = aws_iam_role.task.id
  policy = var.task_role_policy_json
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = local.image
      essential              = true
      user                   = "10001:10001"
      readonlyRootFilesystem = true
      stopTimeout            = var.stop_timeout_seconds
      portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
      environment = [for name in sort(keys(var.environment)) : {
        name  = name
        value = var.environment[name]
      }]
      mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      healthCheck = {
        command     = ["CMD-SHELL", "bash -c \"${local.health_command}\""]
        interval    = 10
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = data.aws_region.current.id
          awslogs-stream-prefix = "app"
        }
      }
    }
  ])

  lifecycle {
    precondition {
      condition     = var.image_tag != ""
      error_message = "image_tag is empty: set IMAGE_TAG to the tag to deploy (a teardown needs none)."
    }

    precondition {
      condition     = !contains(keys(var.environment), "MANAGEMENT_SERVER_PORT") || try(tonumber(var.environment["MANAGEMENT_SERVER_PORT"]) == var.liveness_port, false)
      error_message = "liveness_port must be the application's MANAGEMENT_SERVER_PORT."
    }

    precondition {
      condition     = !contains(keys(var.environment), "SERVER_PORT") || try(tonumber(var.environment["SERVER_PORT"]) == var.container_port, false)
      error_message = "container_port must be the application's SERVER_PORT."
    }
  }

  # No task may start before its roles may pull, log and do the application's work.
  depends_on = [aws_iam_role_policy.task, aws_iam_role_policy.execution]
}

resource "aws_security_group" "task" {
  name        = "${var.name}-task"
  description = "Tasks of ${var.name}: inbound only from the load balancer, if any; outbound HTTPS"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-task" }
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = aws_security_group.task.id
  description                  = "From the load balancer only"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.load_balancer.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.task.id
  description       = "AWS APIs (SQS, SSM, S3, ECR, CloudWatch) over HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.load_balancer == null ? null : var.health_check_grace_period_seconds
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = true

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer == null ? [] : [var.load_balancer]
    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = "app"
      container_port   = var.container_port
    }
  }

  lifecycle {
    # Autoscaling owns the task count after creation.
    ignore_changes = [desired_count]

    precondition {
      condition     = var.min_count <= var.desired_count && var.desired_count <= var.max_count
      error_message = "desired_count must lie between min_count and max_count."
    }
  }

  depends_on = [aws_iam_role_policy.task, aws_iam_role_policy.execution]
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "this" {
  name               = "${var.name}-${var.scaling.kind}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.scaling.target
    scale_in_cooldown  = var.scaling.scale_in_cooldown_seconds
    scale_out_cooldown = var.scaling.scale_out_cooldown_seconds

    dynamic "predefined_metric_specification" {
      for_each = local.backlog_metric ? [] : [var.scaling.kind]
      content {
        predefined_metric_type = predefined_metric_specification.value == "requests" ? "ALBRequestCountPerTarget" : "ECSServiceAverageCPUUtilization"
        resource_label         = predefined_metric_specification.value == "requests" ? var.scaling.alb_resource_label : null
      }
    }

    # Backlog per task = visible messages / running tasks (metric math).
    dynamic "customized_metric_specification" {
      for_each = local.backlog_metric ? [var.scaling.queue_name] : []
      content {
        metrics {
          id          = "visible"
          return_data = false

          metric_stat {
            stat = "Sum"

            metric {
              namespace   = "AWS/SQS"
              metric_name = "ApproximateNumberOfMessagesVisible"

              dimensions {
                name  = "QueueName"
                value = customized_metric_specification.value
              }
            }
          }
        }

        metrics {
          id          = "tasks"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "ECS/ContainerInsights"
              metric_name = "RunningTaskCount"

              dimensions {
                name  = "ClusterName"
                value = var.cluster_name
              }

              dimensions {
                name  = "ServiceName"
                value = aws_ecs_service.this.name
              }
            }
          }
        }

        metrics {
          id          = "backlog_per_task"
          expression  = "visible / IF(tasks > 0, tasks, 1)"
          label       = "Visible messages per running task"
          return_data = true
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.scaling.kind != "requests" || var.scaling.alb_resource_label != null
      error_message = "Request-count scaling needs scaling.alb_resource_label."
    }

    precondition {
      condition     = var.scaling.kind != "sqs_backlog" || var.scaling.queue_name != null
      error_message = "Backlog scaling needs scaling.queue_name."
    }
  }
}
