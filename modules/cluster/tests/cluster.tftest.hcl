mock_provider "aws" {
  source = "../_test"
}

variables {
  name = "ingest-pipeline-dev"
}

run "plan" {
  command = plan

  assert {
    condition     = one(aws_ecs_cluster.this.setting).name == "containerInsights" && one(aws_ecs_cluster.this.setting).value == "enhanced"
    error_message = "Container Insights is on (enhanced) by default."
  }

  assert {
    condition     = toset(aws_ecs_cluster_capacity_providers.this.capacity_providers) == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "The cluster offers Fargate and Fargate Spot."
  }

  assert {
    condition     = [for strategy in aws_ecs_cluster_capacity_providers.this.default_capacity_provider_strategy : strategy.capacity_provider] == ["FARGATE"]
    error_message = "Without a Spot weight, every task runs on on-demand Fargate."
  }
}

run "spot" {
  command = plan

  variables {
    fargate_spot_weight = 3
  }

  assert {
    condition     = contains([for strategy in aws_ecs_cluster_capacity_providers.this.default_capacity_provider_strategy : "${strategy.capacity_provider}:${strategy.weight}"], "FARGATE_SPOT:3")
    error_message = "A Spot weight adds Fargate Spot to the default strategy."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                = "a cluster"
    container_insights  = "on"
    fargate_base        = -1
    fargate_spot_weight = 1001
  }

  expect_failures = [
    var.name,
    var.container_insights,
    var.fargate_base,
    var.fargate_spot_weight,
  ]
}
