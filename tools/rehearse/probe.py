"""What the rehearsal asks of the AWS API it deploys to, through boto3 (which comes with moto).

    python3 tools/rehearse/probe.py COMMAND [ARGS...]   (endpoint, region, credentials: AWS_* variables)

Each command prints one JSON document on stdout. Nothing here prints the token or a payload
except `token`, whose only caller keeps it in memory.
"""

import argparse
import json
import sys
import time

import boto3
from botocore.config import Config

CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})


def client(service):
    return boto3.client(service, config=CONFIG)


def bootstrap_state(args):
    """The state bucket as `terragrunt --backend-bootstrap` creates it: versioned, encrypted,
    no public access, TLS only."""
    s3 = client("s3")
    region = s3.meta.region_name
    existing = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    if args.bucket not in existing:
        s3.create_bucket(Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=args.bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=args.bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]},
    )
    s3.put_public_access_block(
        Bucket=args.bucket,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )
    arn = f"arn:aws:s3:::{args.bucket}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EnforcedTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ],
    }
    s3.put_bucket_policy(Bucket=args.bucket, Policy=json.dumps(policy))
    return {"bucket": args.bucket, "created": args.bucket not in existing}


def request_certificate(args):
    acm = client("acm")
    arn = acm.request_certificate(DomainName=args.domain, ValidationMethod="DNS")["CertificateArn"]
    return {"arn": arn}


def assume_role(args):
    sts = client("sts")
    if args.web_identity:
        answer = sts.assume_role_with_web_identity(RoleArn=args.role_arn, RoleSessionName=args.session, WebIdentityToken=args.web_identity)
    else:
        answer = sts.assume_role(RoleArn=args.role_arn, RoleSessionName=args.session)
    credentials = answer["Credentials"]
    return {"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"], "AWS_SESSION_TOKEN": credentials["SessionToken"]}


def token(args):
    value = client("ssm").get_parameter(Name=args.name, WithDecryption=True)["Parameter"]["Value"]
    return {"value": value}


def task_environment(args):
    """The containers of the task definition a service runs, as ECS registered them."""
    ecs = client("ecs")
    service = ecs.describe_services(cluster=args.cluster, services=[args.service])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    return {
        "taskDefinition": service["taskDefinition"],
        "taskRoleArn": definition.get("taskRoleArn"),
        "containers": [
            {"name": c["name"], "image": c.get("image"), "environment": {e["name"]: e["value"] for e in c.get("environment", [])}}
            for c in definition["containerDefinitions"]
        ],
    }


def function_configuration(args):
    """A function's configuration as Lambda holds it, with the event source mapping that feeds it."""
    aws_lambda = client("lambda")
    configuration = aws_lambda.get_function_configuration(FunctionName=args.function, **({"Qualifier": args.qualifier} if args.qualifier else {}))
    configuration.pop("ResponseMetadata", None)
    # The mapping invokes the function's alias: match on the unqualified ARN.
    base = configuration["FunctionArn"].split(":function:")[0] + ":function:" + args.function
    mappings = [m for m in aws_lambda.list_event_source_mappings().get("EventSourceMappings", []) if m["FunctionArn"] == base or m["FunctionArn"].startswith(base + ":")]
    if mappings:
        configuration["EventSourceMapping"] = aws_lambda.get_event_source_mapping(UUID=mappings[0]["UUID"])
        configuration["EventSourceMapping"].pop("ResponseMetadata", None)
    return json.loads(json.dumps(configuration, default=str))


def set_mapping(args):
    """Enables or disables an event source mapping (moto polls an enabled one itself, and
    cannot invoke the function: the rehearsal's poller stands in for it while disabled)."""
    aws_lambda = client("lambda")
    aws_lambda.update_event_source_mapping(UUID=args.uuid, Enabled=args.enabled == "true")
    return {"uuid": args.uuid, "enabled": args.enabled == "true"}


def put_object(args):
    """A jar published as the workflow publishes it: kept if already there."""
    s3 = client("s3")
    try:
        s3.head_object(Bucket=args.bucket, Key=args.key)
        return {"bucket": args.bucket, "key": args.key, "published": False}
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
    s3.upload_file(args.file, args.bucket, args.key)
    return {"bucket": args.bucket, "key": args.key, "published": True}


def put_image(args):
    """An image push as the ECR API sees it. docker's registry protocol (layer uploads) cannot
    run here; the manifest lands through PutImage, which is what ECS and Terraform read."""
    ecr = client("ecr")
    ecr.get_authorization_token()
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2, "digest": "sha256:" + "0" * 64}, "layers": []}
    # As the workflow does: a tag that exists is kept (tags are immutable).
    try:
        ecr.describe_images(repositoryName=args.repository, imageIds=[{"imageTag": args.tag}])
        return {"repository": args.repository, "tag": args.tag, "pushed": False}
    except ecr.exceptions.ImageNotFoundException:
        pass
    ecr.put_image(repositoryName=args.repository, imageTag=args.tag, imageManifest=json.dumps(manifest))
    return {"repository": args.repository, "tag": args.tag, "pushed": True}


def queue_depth(args):
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=args.name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return {"visible": int(attributes["ApproximateNumberOfMessages"]), "inFlight": int(attributes["ApproximateNumberOfMessagesNotVisible"])}


def check_objects(args):
    """Each expected object at its key, byte for byte, with its message-id metadata."""
    with open(args.expect, encoding="utf-8") as f:
        expected = json.load(f)
    s3 = client("s3")
    deadline = time.monotonic() + args.timeout
    missing, mismatched, checked = dict(expected), [], 0
    while missing and time.monotonic() < deadline:
        for key, item in list(missing.items()):
            try:
                answer = s3.get_object(Bucket=args.bucket, Key=key)
            except s3.exceptions.NoSuchKey:
                continue
            body = answer["Body"].read().decode("utf-8")
            checked += 1
            if body != item["body"] or answer.get("Metadata", {}).get("message-id") != item["messageId"]:
                mismatched.append(key)
            del missing[key]
        if missing:
            time.sleep(0.5)
    listed = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket):
        listed.extend(o["Key"] for o in page.get("Contents", []))
    return {"expected": len(expected), "stored": checked, "missing": sorted(missing), "mismatched": mismatched, "objects": len(listed), "unexpected": sorted(set(listed) - set(expected))}


def inventory(args):
    """What the account holds that a teardown must have removed, by kind. AWS-managed and
    default resources (the default VPC, AWS's own KMS keys) are left out; KMS keys pending
    deletion are listed apart: AWS keeps a key 7-30 days after its deletion is scheduled."""
    out = {}
    s3 = client("s3")
    out["buckets"] = sorted(b["Name"] for b in s3.list_buckets().get("Buckets", []))
    out["queues"] = sorted(client("sqs").list_queues().get("QueueUrls", []))
    aws_lambda = client("lambda")
    out["functions"] = sorted(f["FunctionName"] for f in aws_lambda.list_functions().get("Functions", []))
    out["event_source_mappings"] = [m["UUID"] for m in aws_lambda.list_event_source_mappings().get("EventSourceMappings", [])]
    ecs = client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters().get("clusterArns", [])).get("clusters", []) if ecs.list_clusters().get("clusterArns") else []
    out["clusters"] = sorted(c["clusterName"] for c in clusters if c.get("status") == "ACTIVE")
    out["task_definitions"] = sorted(ecs.list_task_definitions(status="ACTIVE").get("taskDefinitionArns", []))
    iam = client("iam")
    out["roles"] = sorted(r["RoleName"] for r in iam.list_roles().get("Roles", []) if not r["Path"].startswith("/aws-service-role/"))
    out["policies"] = sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local").get("Policies", []))
    out["oidc_providers"] = [p["Arn"] for p in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])]
    kms = client("kms")
    keys = {"enabled": [], "pending_deletion": []}
    for key in kms.list_keys().get("Keys", []):
        metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if metadata.get("KeyManager") == "AWS":
            continue
        keys["pending_deletion" if metadata["KeyState"] == "PendingDeletion" else "enabled"].append(metadata["Arn"])
    out["kms_keys"] = keys["enabled"]
    out["kms_keys_pending_deletion"] = keys["pending_deletion"]
    out["kms_aliases"] = sorted(a["AliasName"] for a in kms.list_aliases().get("Aliases", []) if not a["AliasName"].startswith("alias/aws/"))
    out["log_groups"] = sorted(g["logGroupName"] for g in client("logs").describe_log_groups().get("logGroups", []))
    out["repositories"] = sorted(r["repositoryName"] for r in client("ecr").describe_repositories().get("repositories", []))
    elbv2 = client("elbv2")
    out["load_balancers"] = sorted(lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers().get("LoadBalancers", []))
    out["target_groups"] = sorted(tg["TargetGroupName"] for tg in elbv2.describe_target_groups().get("TargetGroups", []))
    ec2 = client("ec2")
    out["vpcs"] = sorted(v["VpcId"] for v in ec2.describe_vpcs().get("Vpcs", []) if not v.get("IsDefault"))
    out["nat_gateways"] = sorted(n["NatGatewayId"] for n in ec2.describe_nat_gateways().get("NatGateways", []) if n["State"] not in ("deleted", "deleting"))
    out["elastic_ips"] = sorted(a.get("AllocationId", "") for a in ec2.describe_addresses().get("Addresses", []))
    out["parameters"] = sorted(p["Name"] for p in client("ssm").describe_parameters().get("Parameters", []))
    cloudwatch = client("cloudwatch")
    out["alarms"] = sorted(a["AlarmName"] for a in cloudwatch.describe_alarms().get("MetricAlarms", []))
    out["dashboards"] = sorted(d["DashboardName"] for d in cloudwatch.list_dashboards().get("DashboardEntries", []))
    out["topics"] = sorted(t["TopicArn"] for t in client("sns").list_topics().get("Topics", []))
    out["scalable_targets"] = sorted(t["ResourceId"] for t in client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs").get("ScalableTargets", []))
    return out


def main(argv):
    parser = argparse.ArgumentParser(prog="probe.py")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("bootstrap-state"); p.add_argument("--bucket", required=True); p.set_defaults(run=bootstrap_state)
    p = commands.add_parser("request-certificate"); p.add_argument("--domain", required=True); p.set_defaults(run=request_certificate)
    p = commands.add_parser("assume-role"); p.add_argument("--role-arn", required=True); p.add_argument("--session", default="rehearsal"); p.add_argument("--web-identity"); p.set_defaults(run=assume_role)
    p = commands.add_parser("token"); p.add_argument("--name", required=True); p.set_defaults(run=token)
    p = commands.add_parser("task-environment"); p.add_argument("--cluster", required=True); p.add_argument("--service", required=True); p.set_defaults(run=task_environment)
    p = commands.add_parser("function-configuration"); p.add_argument("--function", required=True); p.add_argument("--qualifier"); p.set_defaults(run=function_configuration)
    p = commands.add_parser("set-mapping"); p.add_argument("--uuid", required=True); p.add_argument("--enabled", choices=["true", "false"], required=True); p.set_defaults(run=set_mapping)
    p = commands.add_parser("put-object"); p.add_argument("--bucket", required=True); p.add_argument("--key", required=True); p.add_argument("--file", required=True); p.set_defaults(run=put_object)
    p = commands.add_parser("put-image"); p.add_argument("--repository", required=True); p.add_argument("--tag", required=True); p.set_defaults(run=put_image)
    p = commands.add_parser("queue-depth"); p.add_argument("--name", required=True); p.set_defaults(run=queue_depth)
    p = commands.add_parser("check-objects"); p.add_argument("--bucket", required=True); p.add_argument("--expect", required=True); p.add_argument("--timeout", type=float, default=60); p.set_defaults(run=check_objects)
    p = commands.add_parser("inventory"); p.set_defaults(run=inventory)
    args = parser.parse_args(argv)
    json.dump(args.run(args), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
