mock_provider "aws" {
  source = "../_test"
}

variables {
  repository_names = ["ingest-pipeline/api", "ingest-pipeline/worker"]
}

run "plan" {
  command = plan

  assert {
    condition     = length(aws_ecr_repository.this) == 2
    error_message = "One repository per name."
  }

  assert {
    condition     = alltrue([for repository in aws_ecr_repository.this : repository.image_tag_mutability == "IMMUTABLE"])
    error_message = "Tags are immutable: a tag names one image."
  }

  assert {
    condition     = alltrue([for repository in aws_ecr_repository.this : one(repository.image_scanning_configuration).scan_on_push])
    error_message = "Images are scanned on push."
  }

  assert {
    condition     = alltrue([for repository in aws_ecr_repository.this : !repository.force_delete])
    error_message = "force_delete stays off by default."
  }
}

run "applied" {
  command = apply

  assert {
    condition     = alltrue([for policy in aws_ecr_lifecycle_policy.this : jsondecode(policy.policy).rules[0].selection.tagStatus == "untagged" && jsondecode(policy.policy).rules[1].selection.countNumber == 30])
    error_message = "Untagged images expire, and the newest 30 tagged images are kept."
  }
}

# live/global sets it: images are rebuilt from their commit, so a teardown deletes the
# repositories with what they hold (else RepositoryNotEmptyException stops it).
run "force_delete" {
  command = plan
  variables {
    force_delete = true
  }

  assert {
    condition     = alltrue([for repository in aws_ecr_repository.this : repository.force_delete])
    error_message = "force_delete reaches every repository."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    repository_names     = ["Ingest/API"]
    keep_tagged_images   = 0
    untagged_expiry_days = 0
  }

  expect_failures = [
    var.repository_names,
    var.keep_tagged_images,
    var.untagged_expiry_days,
  ]
}

run "rejects_no_repository" {
  command = plan
  variables {
    repository_names = []
  }
  expect_failures = [var.repository_names]
}
