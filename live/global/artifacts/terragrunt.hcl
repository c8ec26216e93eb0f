# The services' Lambda jars (the shaded -aws.jar of each service), one per commit:
# s3://<bucket>/<service>/<commit>.jar. The delivery workflow's push role writes them; the
# environments whose env.hcl runs a service on Lambda deploy them. Private, TLS-only and
# encrypted with its own key, like every bucket of the project.
include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//archive-bucket"
}

inputs = {
  name = "${include.root.locals.project}-artifacts-${get_aws_account_id()}"
  # A deployed jar is needed only while its version runs and for a rollback.
  expiration_days = 90
  # Every jar is rebuilt from its commit: a teardown of live/global removes the bucket with
  # what it holds (without this, `run --all destroy` stops at BucketNotEmpty, as the deploy
  # rehearsal found).
  force_destroy = true
}
