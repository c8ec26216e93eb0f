mock_provider "aws" {
  source = "../_test"
}

variables {
  name           = "ingest-pipeline-dev-api"
  cluster_arn    = "arn:aws:ecs:eu-west-1:123456789012:cluster/ingest-pipeline-dev"
  cluster_name   = "ingest-pipeline-dev"
  repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest-pipeline/api"
  repository_arn = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/api"
  image_tag      = "0123456789ab"
  container_port = 8080
  liveness_port  = 9080
  vpc_id         = "vpc-00000000000000000"
  subnet_ids     = ["subnet-00000000000000011", "subnet-00000000000000012"]
  min_count      = 1
  desired_count  = 1
  max_count      = 2
  environment = {
    SERVER_PORT            = "8080"
    MANAGEMENT_SERVER_PORT = "9080"
  }
  load_balancer = {
    target_group_arn  = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef"
    security_group_id = "sg-00000000000000000"
  }
  scaling = {
    kind               = "requests"
    target             = 1000
    alb_resource_label = "app/ingest-pipeline-dev/0123456789abcdef/targetgroup/api/0123456789abcdef"
  }
  task_role_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\"],\"Resource\":[\"arn:aws:sqs:eu-west-1:123456789012:q\"]}]}"
}

run "plan" {
  command = plan

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "Tasks get no public IP."
  }

  assert {
    condition     = one(aws_ecs_service.this.deployment_circuit_breaker).enable && one(aws_ecs_service.this.deployment_circuit_breaker).rollback
    error_message = "A failing deployment is stopped and rolled back by the circuit breaker."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Logs are kept for a bounded time."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_load_balancer[0].referenced_security_group_id == "sg-00000000000000000" && aws_vpc_security_group_ingress_rule.from_load_balancer[0].from_port == 8080
    error_message = "Tasks admit traffic only from the load balancer's security group, on the container port."
  }

  assert {
    condition     = aws_iam_role_policy.task.policy == var.task_role_policy_json
    error_message = "The task role has exactly the policy the environment passes in."
  }

  assert {
    condition     = one(aws_ecs_task_definition.this.runtime_platform).operating_system_family == "LINUX" && aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"])
    error_message = "A Fargate Linux task."
  }
}

# The container definition and roles hold identifiers known once created: applied against
# the mocked provider.
run "applied" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "10001:10001" && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem
    error_message = "The container runs as user 10001 on a read-only root file system."
  }

  assert {
    condition     = strcontains(join(" ", jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command), "/dev/tcp/127.0.0.1/9080") && strcontains(join(" ", jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command), "GET /actuator/health/liveness ")
    error_message = "The container health check asks liveness on the management port, never readiness: an outage of SQS, SSM or S3 must not make ECS replace healthy tasks."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest-pipeline/api:0123456789ab"
    error_message = "The task runs the repository's image at image_tag."
  }

  assert {
    condition     = aws_iam_role.task.arn != aws_iam_role.execution.arn || aws_iam_role.task.name != aws_iam_role.execution.name
    error_message = "The task role is not the execution role."
  }

  assert {
    condition = alltrue([for statement in data.aws_iam_policy_document.execution.statement :
    !contains(statement.resources, "*") || statement.sid == "EcrAuthorizationToken"])
    error_message = "The execution role uses \"*\" only for ecr:GetAuthorizationToken, which has no resource-level permission."
  }
}

run "worker_without_load_balancer" {
  command = plan

  variables {
    name           = "ingest-pipeline-dev-worker"
    container_port = 8081
    liveness_port  = 9081
    environment = {
      SERVER_PORT            = "8081"
      MANAGEMENT_SERVER_PORT = "9081"
    }
    load_balancer = null
    scaling = {
      kind       = "sqs_backlog"
      target     = 500
      queue_name = "ingest-pipeline-dev-emails"
    }
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.from_load_balancer) == 0 && length(aws_ecs_service.this.load_balancer) == 0
    error_message = "A service without a load balancer admits no inbound traffic."
  }

  assert {
    condition     = length(one(aws_appautoscaling_policy.this.target_tracking_scaling_policy_configuration).customized_metric_specification) == 1
    error_message = "The worker scales on the queue's backlog per task."
  }
}

run "refuses_an_empty_image_tag" {
  command = plan
  variables {
    image_tag = ""
  }
  expect_failures = [aws_ecs_task_definition.this]
}

run "refuses_a_liveness_port_that_is_not_the_management_port" {
  command = plan
  variables {
    liveness_port = 8080
  }
  expect_failures = [aws_ecs_task_definition.this]
}

run "refuses_a_container_port_that_is_not_the_server_port" {
  command = plan
  variables {
    container_port = 8081
  }
  expect_failures = [aws_ecs_task_definition.this]
}

run "refuses_request_scaling_without_a_load_balancer_label" {
  command = plan
  variables {
    scaling = { kind = "requests", target = 1000 }
  }
  expect_failures = [aws_appautoscaling_policy.this]
}

run "refuses_backlog_scaling_without_a_queue" {
  command = plan
  variables {
    scaling = { kind = "sqs_backlog", target = 500 }
  }
  expect_failures = [aws_appautoscaling_policy.this]
}

run "refuses_a_desired_count_outside_the_range" {
  command = plan
  variables {
    desired_count = 3
  }
  expect_failures = [aws_ecs_service.this]
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                 = "Ingest API"
    image_tag            = "-latest"
    cpu                  = 300
    memory               = 256
    liveness_port        = 0
    liveness_path        = "actuator/health/liveness"
    stop_timeout_seconds = 121
    log_retention_days   = 2
    min_count            = 0
    max_count            = 0
    scaling              = { kind = "memory", target = 50 }
  }

  expect_failures = [
    var.name,
    var.image_tag,
    var.cpu,
    var.memory,
    var.liveness_port,
    var.liveness_path,
    var.stop_timeout_seconds,
    var.log_retention_days,
    var.min_count,
    var.max_count,
    var.scaling,
  ]
}
