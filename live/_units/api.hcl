locals {
  env  = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name = "ingest-pipeline-${local.env.environment}-api"
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//service"
}

dependency "network" {
  config_path = "${get_terragrunt_dir()}/../network"

  mock_outputs = {
    vpc_id             = "vpc-00000000000000000"
    private_subnet_ids = ["subnet-00000000000000011", "subnet-00000000000000012"]
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

dependency "cluster" {
  config_path = "${get_terragrunt_dir()}/../cluster"

  mock_outputs = {
    cluster_arn  = "arn:aws:ecs:eu-west-1:123456789012:cluster/mock"
    cluster_name = "mock"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
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

dependency "registry" {
  config_path = "${dirname(find_in_parent_folders("root.hcl"))}/live/global/registry"

  mock_outputs = {
    repository_urls = { "ingest-pipeline/api" = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest-pipeline/api" }
    repository_arns = { "ingest-pipeline/api" = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/api" }
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  name           = local.name
  cluster_arn    = dependency.cluster.outputs.cluster_arn
  cluster_name   = dependency.cluster.outputs.cluster_name
  repository_url = dependency.registry.outputs.repository_urls["ingest-pipeline/api"]
  repository_arn = dependency.registry.outputs.repository_arns["ingest-pipeline/api"]
  # The CD workflow sets IMAGE_TAG to the commit it built (docs/adr/0004).
  image_tag          = get_env("IMAGE_TAG")
  cpu                = local.env.api.cpu
  memory             = local.env.api.memory
  container_port     = 8080
  health_check_path  = "/health"
  vpc_id             = dependency.network.outputs.vpc_id
  subnet_ids         = dependency.network.outputs.private_subnet_ids
  min_count          = local.env.api.min_count
  desired_count      = local.env.api.min_count
  max_count          = local.env.api.max_count
  log_retention_days = local.env.log_retention_days

  load_balancer = {
    target_group_arn  = dependency.alb.outputs.target_group_arn
    security_group_id = dependency.alb.outputs.security_group_id
  }

  scaling = {
    kind               = "requests"
    target             = local.env.api.requests_per_target
    alb_resource_label = "${dependency.alb.outputs.arn_suffix}/${dependency.alb.outputs.target_group_arn_suffix}"
  }

  # Exactly the API's settings from README.
  environment = {
    INGEST_TOKEN_PARAMETER = dependency.token.outputs.parameter_name
    INGEST_QUEUE_NAME      = dependency.queue.outputs.queue_name
    INGEST_KEY_PREFIX      = "emails/"
    SERVER_PORT            = "8080"
    MANAGEMENT_SERVER_PORT = "9080"
  }

  task_role_policy_json = jsonencode({
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
        Sid      = "PublishToTheQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueUrl"]
        Resource = [dependency.queue.outputs.queue_arn]
      },
    ]
  })
}
