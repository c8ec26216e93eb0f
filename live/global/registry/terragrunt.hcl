include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//registry"
}

inputs = {
  repository_names = ["ingest-pipeline/api", "ingest-pipeline/worker"]
}
