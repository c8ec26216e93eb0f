"""Prints, as one JSON document, the IAM policies moto holds: every role (trust policy, inline and attached
managed policies, permissions boundary) and every resource policy (bucket, queue, KMS key, SNS topic,
Lambda function and alias, ECR repository).

    python3 tools/rehearse/moto/dump_iam.py --endpoint http://127.0.0.1:PORT [--region eu-west-1]

{"roles": {"<role arn>": {"name", "trust", "policies": [{"name", "document"}], "boundary"}},
 "resources": {"<resource arn>": {"kind": "bucket|queue|key|topic|function|repository", "policy"}}}

Attached managed policies are listed with their ARN as name and their default version as document;
boundary is {"arn", "document"} or null. Resources without a policy are left out. It signs with the
made-up access key AKIAREHEARSALDUMP, so that its own calls are easy to leave out of a record.
"""

import argparse
import json
import sys
from urllib.parse import unquote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def document(value):
    if isinstance(value, str):
        value = json.loads(unquote(value) if value.lstrip().startswith("%") else value)
    return value


def missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("NoSuchBucketPolicy", "ResourceNotFoundException", "RepositoryPolicyNotFoundException",
                    "NotFoundException", "NoSuchEntity", "404")


class Dump:
    def __init__(self, endpoint: str, region: str):
        self.endpoint, self.region = endpoint, region

    def client(self, service: str):
        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint,
                            aws_access_key_id="AKIAREHEARSALDUMP", aws_secret_access_key="rehearsal",
                            config=Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"}))

    def roles(self) -> dict:
        iam = self.client("iam")
        roles = {}
        for page in iam.get_paginator("list_roles").paginate():
            for listed in page["Roles"]:
                name = listed["RoleName"]
                role = iam.get_role(RoleName=name)["Role"]
                policies = [{"name": p, "document": document(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])}
                            for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for p in page["PolicyNames"]]
                for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
                    for attached in page["AttachedPolicies"]:
                        policies.append({"name": attached["PolicyArn"], "document": self.managed(iam, attached["PolicyArn"])})
                boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
                roles[role["Arn"]] = {"name": name, "trust": document(role["AssumeRolePolicyDocument"]), "policies": policies,
                                      "boundary": {"arn": boundary, "document": self.managed(iam, boundary)} if boundary else None}
        return roles

    @staticmethod
    def managed(iam, arn: str):
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])

    def resources(self) -> dict:
        found = {}
        for kind, listing in (("bucket", self.buckets), ("queue", self.queues), ("key", self.keys), ("topic", self.topics),
                              ("function", self.functions), ("repository", self.repositories)):
            for arn, policy in listing():
                if policy:
                    found[arn] = {"kind": kind, "policy": document(policy)}
        return found

    @staticmethod
    def _policy(read):
        try:
            return read()
        except ClientError as error:
            if missing(error):
                return None
            raise

    def buckets(self):
        s3 = self.client("s3")
        for bucket in s3.list_buckets().get("Buckets", []):
            name = bucket["Name"]
            yield f"arn:aws:s3:::{name}", self._policy(lambda: s3.get_bucket_policy(Bucket=name)["Policy"])

    def queues(self):
        sqs = self.client("sqs")
        for page in sqs.get_paginator("list_queues").paginate():
            for url in page.get("QueueUrls", []):
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "Policy"])["Attributes"]
                yield attributes["QueueArn"], attributes.get("Policy")

    def keys(self):
        kms = self.client("kms")
        for page in kms.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                yield key["KeyArn"], self._policy(lambda: kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])

    def topics(self):
        sns = self.client("sns")
        for page in sns.get_paginator("list_topics").paginate():
            for topic in page["Topics"]:
                yield topic["TopicArn"], sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"].get("Policy")

    def functions(self):
        lam = self.client("lambda")
        for page in lam.get_paginator("list_functions").paginate():
            for function in page["Functions"]:
                name, arn = function["FunctionName"], function["FunctionArn"]
                yield arn, self._policy(lambda: lam.get_policy(FunctionName=name)["Policy"])
                for alias_page in lam.get_paginator("list_aliases").paginate(FunctionName=name):
                    for alias in alias_page["Aliases"]:
                        yield alias["AliasArn"], self._policy(
                            lambda: lam.get_policy(FunctionName=name, Qualifier=alias["Name"])["Policy"])

    def repositories(self):
        ecr = self.client("ecr")
        for page in ecr.get_paginator("describe_repositories").paginate():
            for repository in page["repositories"]:
                yield repository["repositoryArn"], self._policy(
                    lambda: ecr.get_repository_policy(repositoryName=repository["repositoryName"])["policyText"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="eu-west-1")
    args = parser.parse_args(argv)
    dump = Dump(args.endpoint, args.region)
    json.dump({"roles": dump.roles(), "resources": dump.resources()}, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
