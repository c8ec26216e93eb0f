mock_provider "aws" {
  source = "../_test"
}

variables {
  name = "ingest-pipeline-dev-archive-123456789012"
}

run "plan" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings are on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "Objects are encrypted with SSE-KMS."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    error_message = "A bucket key saves a KMS call per object."
  }

  assert {
    condition     = length(aws_kms_key.this) == 1 && aws_kms_key.this[0].enable_key_rotation
    error_message = "Without a key given, the module creates one, with rotation."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning is on by default."
  }

  assert {
    condition     = !aws_s3_bucket.this.force_destroy
    error_message = "force_destroy stays off unless an environment says otherwise."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Incomplete multipart uploads are aborted after 7 days."
  }
}

# Values known only once created: applied against the mocked provider.
run "applied" {
  command = apply

  assert {
    condition     = output.kms_key_arn != null && output.kms_key_arn == aws_kms_key.this[0].arn
    error_message = "kms_key_arn is never null: a null output is left out of the state, and the worker unit reads it."
  }

  assert {
    condition = anytrue([for statement in data.aws_iam_policy_document.tls_only.statement :
      statement.effect == "Deny" && contains(statement.actions, "s3:*") && anytrue([
        for condition in statement.condition : condition.variable == "aws:SecureTransport" && contains(condition.values, "false")
    ])])
    error_message = "The bucket policy denies any request not made over TLS."
  }

  assert {
    condition     = aws_s3_bucket_policy.tls_only.policy == data.aws_iam_policy_document.tls_only.json
    error_message = "The TLS-only policy is the bucket's policy."
  }
}

run "given_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && output.kms_key_arn == var.kms_key_arn
    error_message = "A given key is used, and none is created."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "A given key encrypts the objects."
  }
}

# Every validation at once: each listed variable must report its own error.
run "rejects_bad_values" {
  command = plan

  variables {
    name                                 = "Upper_Case"
    noncurrent_version_expiration_days   = 0
    transition_to_infrequent_access_days = 29
    expiration_days                      = 0
    kms_deletion_window_days             = 6
  }

  expect_failures = [
    var.name,
    var.noncurrent_version_expiration_days,
    var.transition_to_infrequent_access_days,
    var.expiration_days,
    var.kms_deletion_window_days,
  ]
}

# Retention: objects expire when asked, and only objects over the 128 KiB that STANDARD_IA
# bills at least ever move there.
run "retention" {
  command = plan

  variables {
    expiration_days                      = 30
    transition_to_infrequent_access_days = 60
  }

  assert {
    condition     = one([for rule in aws_s3_bucket_lifecycle_configuration.this.rule : rule.expiration[0].days if rule.id == "archive"]) == 30
    error_message = "expiration_days expires the objects."
  }

  assert {
    condition = alltrue([for rule in aws_s3_bucket_lifecycle_configuration.this.rule :
      rule.filter[0].object_size_greater_than >= 131072 if length(rule.transition) > 0
    ]) && length([for rule in aws_s3_bucket_lifecycle_configuration.this.rule : rule if length(rule.transition) > 0]) == 1
    error_message = "A transition to STANDARD_IA applies only to objects over 128 KiB: smaller ones would cost more there."
  }
}

run "no_transition_by_default" {
  command = plan

  assert {
    condition     = alltrue([for rule in aws_s3_bucket_lifecycle_configuration.this.rule : length(rule.transition) == 0])
    error_message = "Without transition_to_infrequent_access_days every object stays in STANDARD."
  }
}
