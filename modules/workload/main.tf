# One service of the pipeline (api or worker) on the runtime its environment chooses. Both
# runtimes get the same settings, the same application policy and logs with the same
# retention; only the runtime's own inputs differ.

module "fargate" {
  source = "../service"
  count  = var.runtime == "fargate" ? 1 : 0

  name                  = var.name
  environment           = var.environment
  task_role_policy_json = var.role_policy_json
  log_retention_days    = var.log_retention_days

  cluster_arn          = var.cluster_arn
  cluster_name         = var.cluster_name
  repository_url       = var.repository_url
  repository_arn       = var.repository_arn
  image_tag            = var.image_tag
  cpu                  = var.cpu
  memory               = var.memory
  desired_count        = var.desired_count
  min_count            = var.min_count
  max_count            = var.max_count
  vpc_id               = var.vpc_id
  subnet_ids           = var.subnet_ids
  health_check_path    = var.health_check_path
  liveness_path        = var.liveness_path
  container_port       = var.fargate.container_port
  liveness_port        = var.fargate.liveness_port
  stop_timeout_seconds = var.fargate.stop_timeout_seconds
  load_balancer        = var.fargate.load_balancer
  scaling              = var.fargate.scaling
}

module "lambda" {
  source = "../lambda-function"
  count  = var.runtime == "lambda" ? 1 : 0

  name               = var.name
  environment        = var.environment
  policy_json        = var.role_policy_json
  log_retention_days = var.log_retention_days

  artifact_bucket     = var.artifact_bucket
  artifact_key        = var.artifact_key
  memory_mb           = var.function_memory_mb
  function_definition = var.lambda.function_definition
  timeout_seconds     = var.lambda.timeout_seconds
  snap_start          = var.lambda.snap_start
  queue               = var.lambda.queue
  load_balancer       = var.lambda.load_balancer
}

# A unit that ran modules/service directly keeps its resources on Fargate: they move into
# module.fargate[0] instead of being replaced. On Lambda they are destroyed, as intended.
moved {
  from = aws_cloudwatch_log_group.this
  to   = module.fargate[0].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.execution
  to   = module.fargate[0].aws_iam_role.execution
}

moved {
  from = aws_iam_role_policy.execution
  to   = module.fargate[0].aws_iam_role_policy.execution
}

moved {
  from = aws_iam_role.task
  to   = module.fargate[0].aws_iam_role.task
}

moved {
  from = aws_iam_role_policy.task
  to   = module.fargate[0].aws_iam_role_policy.task
}

moved {
  from = aws_ecs_task_definition.this
  to   = module.fargate[0].aws_ecs_task_definition.this
}

moved {
  from = aws_security_group.task
  to   = module.fargate[0].aws_security_group.task
}

moved {
  from = aws_vpc_security_group_ingress_rule.from_load_balancer
  to   = module.fargate[0].aws_vpc_security_group_ingress_rule.from_load_balancer
}

moved {
  from = aws_vpc_security_group_egress_rule.https
  to   = module.fargate[0].aws_vpc_security_group_egress_rule.https
}

moved {
  from = aws_ecs_service.this
  to   = module.fargate[0].aws_ecs_service.this
}

moved {
  from = aws_appautoscaling_target.this
  to   = module.fargate[0].aws_appautoscaling_target.this
}

moved {
  from = aws_appautoscaling_policy.this
  to   = module.fargate[0].aws_appautoscaling_policy.this
}
