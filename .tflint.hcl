# tflint for every module (the GitHub workflow's tflint job): Terraform's own rules and the
# AWS ruleset, which knows instance types, ARN formats and deprecated arguments.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.48.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
