# The API service (POST /ingest) behind the load balancer, on either runtime. What both
# services share is in service.hcl, which live/<env>/api includes beside this file.
locals {
  root = read_terragrunt_config(find_in_parent_folders("root.hcl")).locals
  env  = local.root.env
}

dependency "alb" {
  config_path = "${get_terragrunt_dir()}/../alb"

  mock_outputs = {
    target_group_arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/mock/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/mock/0123456789abcdef"
    arn_suffix              = "app/mock/0123456789abcdef"
    security_group_id       = "sg-00000000000000000"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "queue" {
  config_path = "${get_terragrunt_dir()}/../queue"

  mock_outputs = {
    queue_name = "mock"
    queue_arn  = "arn:aws:sqs:eu-west-1:123456789012:mock"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "token" {
  config_path = "${get_terragrunt_dir()}/../token"

  mock_outputs = {
    parameter_name = "/mock/token"
    parameter_arn  = "arn:aws:ssm:eu-west-1:123456789012:parameter/mock/token"
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  fargate = {
    container_port = 8080
    liveness_port  = 9080

    load_balancer = {
      target_group_arn  = dependency.alb.outputs.target_group_arn
      security_group_id = dependency.alb.outputs.security_group_id
    }

    scaling = {
      kind               = "requests"
      target             = local.env.api.requests_per_target
      alb_resource_label = "${dependency.alb.outputs.arn_suffix}/${dependency.alb.outputs.target_group_arn_suffix}"
    }
  }

  # The ingest function as the load balancer's Lambda target (the target group's type
  # follows env.hcl: live/_units/alb.hcl).
  lambda = {
    function_definition = "ingestAlb"
    timeout_seconds     = 30
    load_balancer = {
      target_group_arn = dependency.alb.outputs.target_group_arn
    }
  }

  # Exactly the API's settings from README.
  environment = {
    INGEST_TOKEN_PARAMETER = dependency.token.outputs.parameter_name
    INGEST_QUEUE_NAME      = dependency.queue.outputs.queue_name
    INGEST_KEY_PREFIX      = local.root.app.key_prefix
    # The application metrics, as embedded metric format lines in the service's log.
    INGEST_METRICS_ENABLED   = "true"
    INGEST_METRICS_NAMESPACE = local.root.app.metrics_namespace
    SERVER_PORT              = "8080"
    MANAGEMENT_SERVER_PORT   = "9080"
    # Longer than the load balancer's idle timeout, so the ALB, not the API, closes an
    # idle connection (a connection the API closed as the ALB reused it would be a 502).
    SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT = "${local.root.app.load_balancer_idle_timeout_seconds + local.root.app.api_keep_alive_margin_seconds}s"
  }

  role_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadTheToken"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = [dependency.token.outputs.parameter_arn]
      },
      {
        Sid      = "DecryptTheToken"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [dependency.token.outputs.kms_key_arn]
      },
      {
        # GetQueueAttributes: the API reads the queue's MaximumMessageSize when it finds the
        # queue (a body limit above it keeps the API unready); without it, AWS would refuse
        # that read (found by the deploy rehearsal).
        Sid      = "PublishToTheQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
        Resource = [dependency.queue.outputs.queue_arn]
      },
    ]
  })
}
