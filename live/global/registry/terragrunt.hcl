include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//registry"
}

inputs = {
  # One repository per service; the service units look theirs up by this name.
  repository_names = [for service in ["api", "worker"] : "${include.root.locals.project}/${service}"]
  # Every image is rebuilt from its commit: a teardown of live/global removes the
  # repositories with the images they hold (without this, `run --all destroy` stops at
  # RepositoryNotEmptyException).
  force_delete = true
}
