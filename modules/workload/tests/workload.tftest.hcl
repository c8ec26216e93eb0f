mock_provider "aws" {
  source = "../_test"
}

variables {
  name               = "ingest-pipeline-dev-worker"
  log_retention_days = 30
  environment = {
    PERSIST_BUCKET_NAME = "ingest-pipeline-dev-archive-123456789012"
    PERSIST_KEY_PREFIX  = "emails/"
  }
  role_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::b/emails/*\"]}]}"
  cluster_arn      = "arn:aws:ecs:eu-west-1:123456789012:cluster/ingest-pipeline-dev"
  cluster_name     = "ingest-pipeline-dev"
  repository_url   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest-pipeline/worker"
  repository_arn   = "arn:aws:ecr:eu-west-1:123456789012:repository/ingest-pipeline/worker"
  image_tag        = "0123456789ab"
  vpc_id           = "vpc-00000000000000000"
  subnet_ids       = ["subnet-00000000000000011", "subnet-00000000000000012"]
  artifact_bucket  = "ingest-pipeline-artifacts-123456789012"
  artifact_key     = "worker/0123456789ab.jar"
  fargate = {
    container_port = 8081
    liveness_port  = 9081
    scaling        = { kind = "sqs_backlog", target = 500, queue_name = "ingest-pipeline-dev-emails" }
  }
  lambda = {
    function_definition = "persistBatch"
    timeout_seconds     = 10
    queue = {
      arn                        = "arn:aws:sqs:eu-west-1:123456789012:ingest-pipeline-dev-emails"
      visibility_timeout_seconds = 60
    }
  }
}

run "fargate" {
  command = apply

  variables {
    runtime = "fargate"
  }

  assert {
    condition     = length(module.fargate) == 1 && length(module.lambda) == 0
    error_message = "runtime = fargate runs the ECS service only."
  }

  assert {
    condition     = output.service_names == ["ingest-pipeline-dev-worker"] && output.function_names == [] && output.function_name == "" && output.function_version == "" && output.service_name == "ingest-pipeline-dev-worker" && output.task_definition_arn != ""
    error_message = "A Fargate service is named in service_names; the Lambda outputs are empty, never null."
  }

  assert {
    condition     = output.log_group_name != null && output.role_arn == module.fargate[0].task_role_arn
    error_message = "The role with the application's policy is the task role."
  }
}

run "lambda" {
  command = apply

  variables {
    runtime = "lambda"
  }

  assert {
    condition     = length(module.fargate) == 0 && length(module.lambda) == 1
    error_message = "runtime = lambda runs the function only."
  }

  assert {
    condition     = output.function_names == ["ingest-pipeline-dev-worker"] && output.service_names == [] && output.service_name == "" && output.task_definition_arn == "" && output.function_name == "ingest-pipeline-dev-worker" && output.function_version != ""
    error_message = "A Lambda function is named in function_names; the Fargate outputs are empty, never null."
  }

  assert {
    condition     = output.log_group_name == "/aws/lambda/ingest-pipeline-dev-worker" && output.role_arn == module.lambda[0].role_arn
    error_message = "The function's own log group and role."
  }
}

run "rejects_bad_values" {
  command = plan

  variables {
    runtime = "ec2"
  }

  expect_failures = [var.runtime]
}

run "rejects_a_runtime_without_its_inputs" {
  command = plan

  variables {
    runtime = "lambda"
    lambda  = null
  }

  expect_failures = [var.lambda]
}
