# dev runs both services on Lambda (near-zero cost at idle): the API as the load
# balancer's Lambda target, the worker fed by the queue.
run "dev_runs_on_lambda" {
  command = plan

  assert {
    condition     = module.api.function_name == "ingest-pipeline-dev-api" && module.api.service_name == ""
    error_message = "dev runs the API as a Lambda function, not on Fargate."
  }

  assert {
    condition     = module.worker.function_name == "ingest-pipeline-dev-worker" && module.worker.service_name == ""
    error_message = "dev runs the worker as a Lambda function, not on Fargate."
  }

  assert {
    condition     = output.api__inputs.lambda.function_definition == "ingestAlb" && output.worker__inputs.lambda.function_definition == "persistBatch"
    error_message = "The functions run the ALB entry point of ingest and the batch entry point of persist."
  }

  assert {
    condition     = output.network__inputs.nat_gateway == false
    error_message = "With both services on Lambda, dev's private subnets hold nothing: no NAT gateway to pay for."
  }
}
