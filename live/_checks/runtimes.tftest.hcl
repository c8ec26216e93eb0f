# Each service runs on the runtime its env.hcl names, and the load balancer's target type
# follows the API's runtime.
run "runtimes" {
  command = plan

  assert {
    condition = alltrue([for unit in [module.api, module.worker] :
      length(unit.service_names) == (unit.runtime == "fargate" ? 1 : 0) && length(unit.function_names) == (unit.runtime == "lambda" ? 1 : 0)
    ])
    error_message = "A service plans an ECS service and a Lambda function at once, or neither."
  }

  assert {
    condition     = output.alb__inputs.target_type == (output.api__inputs.runtime == "lambda" ? "lambda" : "ip")
    error_message = "The load balancer's target group must match the API's runtime: lambda for a function, ip for Fargate tasks."
  }

}
