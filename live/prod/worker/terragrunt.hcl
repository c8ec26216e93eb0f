include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "service" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/live/_units/service.hcl"
}

include "unit" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/live/_units/worker.hcl"
}
