# prod runs both services as web containers on Fargate.
run "prod_runs_on_fargate" {
  command = plan

  assert {
    condition     = module.api.service_name == "ingest-pipeline-prod-api" && module.api.function_name == ""
    error_message = "prod runs the API on Fargate, not as a Lambda function."
  }

  assert {
    condition     = module.worker.service_name == "ingest-pipeline-prod-worker" && module.worker.function_name == ""
    error_message = "prod runs the worker on Fargate, not as a Lambda function."
  }

  assert {
    condition     = output.network__inputs.nat_gateway == true
    error_message = "Fargate tasks in the private subnets need the NAT gateways to reach AWS APIs."
  }
}
