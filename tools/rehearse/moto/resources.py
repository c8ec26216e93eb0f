"""The ARNs an IAM action is evaluated on, built from a call's parameters, and the condition keys the
call brings. One function per IAM prefix; each answers a list of ARNs, or None when it cannot tell
(the record then says null: the checker reports it, nothing guesses "*"). Actions that support no
resource-level permission (iam_actions.json: no resource types) are evaluated on "*".
"""

import re
from urllib.parse import unquote, urlparse

import iam_actions
import moto_state


class Where:
    """Region, account and partition of a call."""

    def __init__(self, region: str | None, account: str):
        self.region = region or "us-east-1"
        self.account = account

    def arn(self, service: str, resource: str, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        return f"arn:aws:{service}:{region}:{self.account if account is None else account}:{resource}"


def resources(prefix: str, operation: str, action: str | None, params: dict, where: Where) -> list[str] | None:
    if action is None:
        return None
    types = iam_actions.resource_types(action)
    if types == []:
        return ["*"]
    build = BUILDERS.get(prefix)
    found = build(operation, action, types or [], params, where) if build else None
    return found or _arn_params(params)


def context(prefix: str, operation: str, params: dict, where: Where, signed_region: str | None) -> dict:
    keys = {"aws:SecureTransport": "false"}  # loopback is plain HTTP; AWS endpoints are HTTPS-only
    if signed_region:
        keys["aws:RequestedRegion"] = signed_region
    if prefix == "s3":
        if operation in ("ListObjects", "ListObjectsV2", "ListObjectVersions") and "Prefix" in params:
            keys["s3:prefix"] = params["Prefix"]
        if params.get("ServerSideEncryption"):
            keys["s3:x-amz-server-side-encryption"] = params["ServerSideEncryption"]
        if params.get("SSEKMSKeyId"):
            keys["s3:x-amz-server-side-encryption-aws-kms-key-id"] = params["SSEKMSKeyId"]
    if prefix == "iam" and operation in ("AttachRolePolicy", "DetachRolePolicy") and params.get("PolicyArn"):
        keys["iam:PolicyARN"] = params["PolicyArn"]
    if prefix == "lambda" and "EventSourceMapping" in operation and params.get("FunctionName"):
        keys["lambda:FunctionArn"] = lambda_function_arn(params["FunctionName"], None, where)
    return keys


def _arn_params(params: dict) -> list[str] | None:
    """ARNs given as top-level parameters named ...Arn/...ARN(s), when nothing better is known."""
    found = []
    for name, value in params.items():
        if re.search(r"(Arn|ARN)s?$", name):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith("arn:"):
                    found.append(item)
    return found or None


def _s3(operation, action, types, params, where):
    bucket, key = params.get("Bucket"), params.get("Key")
    if operation == "DeleteObjects" and bucket:
        keys = [o.get("Key") for o in (params.get("Delete") or {}).get("Objects", [])]
        return [f"arn:aws:s3:::{bucket}/{k}" for k in keys if k] or None
    if "object" in types and bucket and key:
        return [f"arn:aws:s3:::{bucket}/{key}"]
    if "bucket" in types and bucket:
        return [f"arn:aws:s3:::{bucket}"]
    return None


def _sqs(operation, action, types, params, where):
    url = params.get("QueueUrl")
    if url:
        parts = urlparse(url).path.strip("/").split("/")
        if len(parts) == 2:
            return [where.arn("sqs", parts[1], account=parts[0])]
        return None
    if params.get("QueueName"):
        return [where.arn("sqs", params["QueueName"], account=params.get("QueueOwnerAWSAccountId"))]
    return None


def ssm_parameter_arn(name: str, where: Where) -> str:
    if name.startswith("arn:"):
        head, _, tail = name.partition(":parameter/")
        return f"{head}:parameter/{tail.split(':')[0]}"
    return where.arn("ssm", "parameter/" + name.split(":")[0].lstrip("/"))


def _ssm(operation, action, types, params, where):
    names = params.get("Names") or ([params["Name"]] if params.get("Name") else [])
    if not names and params.get("Path"):
        names = [params["Path"]]
    if not names and params.get("ResourceType") == "Parameter" and params.get("ResourceId"):
        names = [params["ResourceId"]]
    return [ssm_parameter_arn(n, where) for n in names] or None


def _kms(operation, action, types, params, where):
    alias = params.get("AliasName")
    if alias:
        alias_arn = where.arn("kms", alias)
        target = params.get("TargetKeyId")
        key = (moto_state.kms_key_arn(target, where.region, where.account) if target
               else moto_state.kms_alias_target(alias, where.region, where.account))
        return [alias_arn, key] if key else None
    ref = params.get("KeyId") or params.get("SourceKeyId")
    key = moto_state.kms_key_arn(ref, where.region, where.account)
    return [key] if key else None


def lambda_function_arn(name: str, qualifier: str | None, where: Where) -> str:
    parts = name.split(":")
    if name.startswith("arn:"):
        region, account, function = parts[3], parts[4], parts[6]
        qualifier = qualifier or (parts[7] if len(parts) > 7 else None)
    elif len(parts) >= 3 and parts[1] == "function":  # 123456789012:function:name[:qualifier]
        region, account, function = where.region, parts[0], parts[2]
        qualifier = qualifier or (parts[3] if len(parts) > 3 else None)
    else:
        region, account, function = where.region, where.account, parts[0]
        qualifier = qualifier or (parts[1] if len(parts) > 1 else None)
    arn = f"arn:aws:lambda:{region}:{account}:function:{function}"
    return f"{arn}:{qualifier}" if qualifier else arn


def _lambda(operation, action, types, params, where):
    if "eventSourceMapping" in types and params.get("UUID"):
        return [where.arn("lambda", f"event-source-mapping:{params['UUID']}")]
    if params.get("Resource", "").startswith("arn:"):  # ListTags, TagResource, UntagResource
        return [params["Resource"]]
    name = params.get("FunctionName")
    if "function" in types and name:
        qualified = operation not in ("CreateAlias", "GetAlias", "UpdateAlias", "DeleteAlias", "ListAliases")
        return [lambda_function_arn(name, params.get("Qualifier") if qualified else None, where)]
    return None


def _last(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _ecs(operation, action, types, params, where):
    cluster = _last(params.get("cluster") or "default")
    if "service" in types:
        services = params.get("services") or [params.get("service") or params.get("serviceName")]
        found = [s if s.startswith("arn:") else where.arn("ecs", f"service/{cluster}/{s}") for s in services if s]
        if found:
            return found
    if "cluster" in types:
        clusters = params.get("clusters") or [params.get("cluster") or params.get("clusterName")]
        found = [c if c.startswith("arn:") else where.arn("ecs", f"cluster/{c}") for c in clusters if c]
        if found:
            return found
    if "task-definition" in types:
        definition = params.get("taskDefinition")
        if definition:
            return [definition if definition.startswith("arn:") else where.arn("ecs", f"task-definition/{definition}")]
        family = params.get("family")
        revision = moto_state.task_definition_revision(family, where.account, where.region) if family else None
        if revision:
            return [where.arn("ecs", f"task-definition/{family}:{revision}")]
    if params.get("resourceArn"):
        return [params["resourceArn"]]
    return None


def _iam(operation, action, types, params, where):
    def global_arn(resource):
        return f"arn:aws:iam::{where.account}:{resource}"

    if "role" in types and params.get("RoleName"):
        name = params["RoleName"]
        return [moto_state.role_arn(name, where.account, where.region)
                or global_arn(f"role{params.get('Path') or '/'}{name}")]
    if "policy" in types:
        if params.get("PolicyArn"):
            return [params["PolicyArn"]]
        if operation == "CreatePolicy" and params.get("PolicyName"):
            return [global_arn(f"policy{params.get('Path') or '/'}{params['PolicyName']}")]
    if "oidc-provider" in types:
        if params.get("OpenIDConnectProviderArn"):
            return [params["OpenIDConnectProviderArn"]]
        if params.get("Url"):
            return [global_arn("oidc-provider/" + re.sub(r"^https://", "", params["Url"]))]
    if "user" in types and params.get("UserName"):
        return [global_arn(f"user{params.get('Path') or '/'}{params['UserName']}")]
    if "instance-profile" in types and params.get("InstanceProfileName"):
        return [global_arn(f"instance-profile{params.get('Path') or '/'}{params['InstanceProfileName']}")]
    return None


def _logs(operation, action, types, params, where):
    group = params.get("logGroupName")
    identifier = params.get("logGroupIdentifier") or params.get("resourceIdentifier")
    for arn in (params.get("resourceArn"), identifier):
        if isinstance(arn, str) and arn.startswith("arn:"):
            return [arn]
    group = group or identifier
    if not group:
        return None
    if "log-stream" in types and params.get("logStreamName"):
        return [where.arn("logs", f"log-group:{group}:log-stream:{params['logStreamName']}")]
    return [where.arn("logs", f"log-group:{group}:*")]  # the form CloudWatch Logs evaluates for a named group


def _elasticloadbalancing(operation, action, types, params, where):
    for name in ("RuleArn", "ListenerArn", "TargetGroupArn", "LoadBalancerArn"):
        if params.get(name):
            return [params[name]]
    if params.get("ResourceArns"):
        return list(params["ResourceArns"])
    if operation == "CreateLoadBalancer" and params.get("Name"):
        arn = moto_state.load_balancer_arn(params["Name"], where.account, where.region)
        return [arn] if arn else None
    if operation == "CreateTargetGroup" and params.get("Name"):
        arn = moto_state.target_group_arn(params["Name"], where.account, where.region)
        return [arn] if arn else None
    return None


def _ecr(operation, action, types, params, where):
    if params.get("resourceArn"):
        return [params["resourceArn"]]
    account = params.get("registryId") or where.account
    names = params.get("repositoryNames") or ([params["repositoryName"]] if params.get("repositoryName") else [])
    if not names and operation == "DescribeRepositories":
        names = ["*"]
    return [where.arn("ecr", f"repository/{n}", account=account) for n in names] or None


def _cloudwatch(operation, action, types, params, where):
    if params.get("ResourceARN"):
        return [params["ResourceARN"]]
    alarms = params.get("AlarmNames") or ([params["AlarmName"]] if params.get("AlarmName") else [])
    if alarms:
        return [where.arn("cloudwatch", f"alarm:{a}") for a in alarms]
    dashboards = params.get("DashboardNames") or ([params["DashboardName"]] if params.get("DashboardName") else [])
    if dashboards:
        return [where.arn("cloudwatch", f"dashboard/{d}", region="") for d in dashboards]
    if operation == "DescribeAlarms":
        return [where.arn("cloudwatch", "alarm:*")]
    if types == ["dataset"]:  # metric calls: a dataset is optional, the metrics have no ARN
        return ["*"]
    return None


def _sns(operation, action, types, params, where):
    if params.get("TopicArn"):
        return [params["TopicArn"]]
    if params.get("SubscriptionArn", "").startswith("arn:"):
        return [params["SubscriptionArn"].rsplit(":", 1)[0]]  # subscriptions are evaluated on their topic
    if params.get("ResourceArn"):
        return [params["ResourceArn"]]
    if operation == "CreateTopic" and params.get("Name"):
        return [where.arn("sns", params["Name"])]
    return None


def _secretsmanager(operation, action, types, params, where):
    secret = params.get("SecretId") or params.get("Name")
    if not secret:
        return None
    arn = secret if secret.startswith("arn:") else moto_state.secret_arn(secret, where.account, where.region)
    return [arn] if arn else None


def _application_autoscaling(operation, action, types, params, where):
    if params.get("ResourceARN"):
        return [params["ResourceARN"]]
    if params.get("ServiceNamespace") and params.get("ResourceId") and params.get("ScalableDimension"):
        arn = moto_state.scalable_target_arn(params["ServiceNamespace"], params["ResourceId"],
                                             params["ScalableDimension"], where.account, where.region)
        return [arn] if arn else None
    return None


EC2_IDS = {"vpc": "vpc", "subnet": "subnet", "sg": "security-group", "rtb": "route-table",
           "igw": "internet-gateway", "nat": "natgateway", "eipalloc": "elastic-ip", "vpce": "vpc-endpoint",
           "fl": "vpc-flow-log", "sgr": "security-group-rule", "eni": "network-interface", "i": "instance",
           "acl": "network-acl", "dopt": "dhcp-options", "eigw": "egress-only-internet-gateway",
           "pl": "prefix-list", "lt": "launch-template", "vol": "volume"}
EC2_CREATES = {"CreateVpc": "vpc", "CreateSubnet": "subnet", "CreateSecurityGroup": "security-group",
               "CreateRouteTable": "route-table", "CreateInternetGateway": "internet-gateway",
               "CreateNatGateway": "natgateway", "AllocateAddress": "elastic-ip", "CreateVpcEndpoint": "vpc-endpoint",
               "CreateFlowLogs": "vpc-flow-log", "CreateNetworkInterface": "network-interface"}


def _ec2(operation, action, types, params, where):
    found = []
    if operation in EC2_CREATES:
        found.append(where.arn("ec2", f"{EC2_CREATES[operation]}/*"))
    for value in params.values():
        for item in value if isinstance(value, list) else [value]:
            match = re.match(r"^([a-z]+)-[0-9a-f]{8,17}$", item) if isinstance(item, str) else None
            if match and match.group(1) in EC2_IDS:
                arn = where.arn("ec2", f"{EC2_IDS[match.group(1)]}/{item}")
                if arn not in found:
                    found.append(arn)
    return found or None


def _sts(operation, action, types, params, where):
    return [params["RoleArn"]] if params.get("RoleArn") else None


def _events(operation, action, types, params, where):
    rule = params.get("Name") if "Rule" in operation else params.get("Rule")
    bus = params.get("EventBusName")
    if rule:
        return [where.arn("events", f"rule/{bus}/{rule}" if bus and bus != "default" else f"rule/{rule}")]
    return None


BUILDERS = {
    "s3": _s3, "sqs": _sqs, "ssm": _ssm, "kms": _kms, "lambda": _lambda, "ecs": _ecs, "iam": _iam, "logs": _logs,
    "elasticloadbalancing": _elasticloadbalancing, "ecr": _ecr, "cloudwatch": _cloudwatch, "sns": _sns,
    "secretsmanager": _secretsmanager, "application-autoscaling": _application_autoscaling, "ec2": _ec2,
    "sts": _sts, "events": _events,
}


def s3_copy_source(value: str) -> tuple[str, str, str | None] | None:
    """(bucket, key, version) of an x-amz-copy-source value."""
    source, _, version = value.lstrip("/").partition("?versionId=")
    bucket, _, key = unquote(source).partition("/")
    return (bucket, key, version or None) if bucket and key else None
