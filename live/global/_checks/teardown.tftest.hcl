# What live/global holds is rebuilt from its commit (images, jars): a teardown removes
# the repositories and the artifacts bucket with their content, instead of stopping at
# RepositoryNotEmptyException or BucketNotEmpty half-way through `run --all destroy`.
run "teardown_removes_what_is_rebuilt" {
  command = plan

  assert {
    condition     = try(output.registry__inputs.force_delete, false)
    error_message = "live/global/registry must set force_delete: the images are rebuilt from their commit."
  }

  assert {
    condition     = try(output.artifacts__inputs.force_destroy, false)
    error_message = "live/global/artifacts must set force_destroy: the jars are rebuilt from their commit."
  }
}
