# Never null: Terraform leaves null outputs out of the state, and a dependency or a
# `terragrunt output` that reads one fails. What the other runtime has is "" or [].

output "runtime" {
  description = "fargate or lambda: which of the outputs below are set."
  value       = var.runtime
}

output "service_names" {
  description = "ECS service names (Fargate): the observability unit's service alarms."
  value       = [for service in module.fargate : service.service_name]
}

output "function_names" {
  description = "Lambda function names: the observability unit's errors and throttles alarms."
  value       = [for function in module.lambda : function.function_name]
}

output "service_name" {
  description = "The ECS service (Fargate), or \"\"."
  value       = length(module.fargate) > 0 ? module.fargate[0].service_name : ""
}

output "task_definition_arn" {
  description = "The task definition revision this apply registered (Fargate), or \"\"."
  value       = length(module.fargate) > 0 ? module.fargate[0].task_definition_arn : ""
}

output "function_name" {
  description = "The Lambda function, or \"\"."
  value       = length(module.lambda) > 0 ? module.lambda[0].function_name : ""
}

output "function_version" {
  description = "The version this apply published, which the live alias points at (Lambda), or \"\"."
  value       = length(module.lambda) > 0 ? module.lambda[0].version : ""
}

output "role_arn" {
  description = "The role with the application's permissions: the task role, or the function's role."
  value       = one(concat([for service in module.fargate : service.task_role_arn], [for function in module.lambda : function.role_arn]))
}

output "log_group_name" {
  description = "The service's log group."
  value       = one(concat([for service in module.fargate : service.log_group_name], [for function in module.lambda : function.log_group_name]))
}
