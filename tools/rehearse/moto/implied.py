"""Calls that AWS makes, or authorizes, on the caller's behalf while serving one call, and checks
against the caller too: KMS for SecureString parameters and SSE-KMS objects, iam:PassRole for the
roles a call hands to a service, s3:GetObject for a copy's source and a function's code.

Each is computed from the call's parameters and moto's state (read after moto served the call,
and recorded whatever the call's status) and answered as a partial record: service, operation,
action, resources, context and params.
"""

import moto_state
from resources import Where, s3_copy_source, ssm_parameter_arn

PASSED_ROLES = {  # (botocore service, operation) -> (role parameters, service the role is passed to)
    ("ecs", "RegisterTaskDefinition"): (["taskRoleArn", "executionRoleArn"], "ecs-tasks.amazonaws.com"),
    ("lambda", "CreateFunction"): (["Role"], "lambda.amazonaws.com"),
    ("lambda", "UpdateFunctionConfiguration"): (["Role"], "lambda.amazonaws.com"),
    ("ec2", "CreateFlowLogs"): (["DeliverLogsPermissionArn"], "vpc-flow-logs.amazonaws.com"),
    ("logs", "PutSubscriptionFilter"): (["roleArn"], "logs.amazonaws.com"),
}
S3_WRITES = ("PutObject", "CopyObject", "CreateMultipartUpload")
S3_READS = ("GetObject", "HeadObject")


def implied(service: str, operation: str, params: dict, where: Where) -> list[dict]:
    found = []
    roles, passed_to = PASSED_ROLES.get((service, operation), ([], None))
    for name in roles:
        if params.get(name):
            found.append(_record("iam", "PassRole", "iam:PassRole", [params[name]],
                                 {"iam:PassedToService": passed_to}, {name: params[name]}))
    for role in [t.get("RoleArn") for t in params.get("Targets") or [] if isinstance(t, dict)] if service == "events" else []:
        if role:
            found.append(_record("iam", "PassRole", "iam:PassRole", [role],
                                 {"iam:PassedToService": "events.amazonaws.com"}, {"RoleArn": role}))
    if service == "ssm":
        found += _ssm(operation, params, where)
    if service == "s3":
        found += _s3(operation, params, where)
    if service == "lambda" and operation in ("CreateFunction", "UpdateFunctionCode"):
        code = (params.get("Code") or {}) if operation == "CreateFunction" else params
        if code.get("S3Bucket") and code.get("S3Key"):
            found += _s3_read(code["S3Bucket"], code["S3Key"], code.get("S3ObjectVersion"), where, with_object=True)
    if service == "kms" and operation == "ReEncrypt" and params.get("DestinationKeyId"):
        key = moto_state.kms_key_arn(params["DestinationKeyId"], where.region, where.account)
        found.append(_record("kms", "ReEncrypt", "kms:ReEncryptTo", [key] if key else None, {},
                             {"DestinationKeyId": params["DestinationKeyId"]}))
    return found


def _record(service, operation, action, resources, context, params) -> dict:
    return {"service": service, "operation": operation, "action": action, "resources": resources,
            "context": context, "params": params}


def _ssm(operation: str, params: dict, where: Where) -> list[dict]:
    via = f"ssm.{where.region}.amazonaws.com"
    found = []
    if operation in ("GetParameter", "GetParameters") and params.get("WithDecryption"):
        for name in params.get("Names") or [params.get("Name")]:
            parameter = moto_state.ssm_parameter(name, where.region, where.account) if name else None
            if parameter is not None and parameter.parameter_type == "SecureString":
                found.append(_kms("Decrypt", parameter.keyid, via, {
                    "kms:EncryptionContext:PARAMETER_ARN": ssm_parameter_arn(parameter.name, where)}, where))
    if operation == "PutParameter" and params.get("Name"):
        existing = moto_state.ssm_parameter(params["Name"], where.region, where.account)
        kind = params.get("Type") or (existing.parameter_type if existing is not None else None)
        if kind == "SecureString":
            key = params.get("KeyId") or (existing.keyid if existing is not None else None) or "alias/aws/ssm"
            operation = "GenerateDataKey" if params.get("Tier") == "Advanced" else "Encrypt"
            found.append(_kms(operation, key, via, {
                "kms:EncryptionContext:PARAMETER_ARN": ssm_parameter_arn(params["Name"], where)}, where))
    return found


def _kms(operation: str, ref: str | None, via: str, context: dict, where: Where) -> dict:
    key = moto_state.kms_key_arn(ref, where.region, where.account)
    return _record("kms", operation, f"kms:{operation}", [key] if key else None,
                   {"kms:ViaService": via, **context}, {"KeyId": ref})


def _s3_context(bucket: str, key: str, bucket_key: bool, where: Where) -> dict:
    arn = f"arn:aws:s3:::{bucket}" if bucket_key else f"arn:aws:s3:::{bucket}/{key}"
    return {"kms:EncryptionContext:aws:s3:arn": arn}


def _s3(operation: str, params: dict, where: Where) -> list[dict]:
    bucket, key = params.get("Bucket"), params.get("Key")
    if not bucket or not key:
        return []
    found = []
    if operation == "CopyObject" and params.get("CopySource"):
        source = s3_copy_source(params["CopySource"])
        if source:
            found += _s3_read(*source, where, with_object=True)
    if operation in S3_WRITES:
        algorithm, ref, bucket_key = params.get("ServerSideEncryption"), params.get("SSEKMSKeyId"), params.get("BucketKeyEnabled")
        stored = moto_state.bucket(bucket, where.account, where.region)
        rule = ((stored.encryption or {}).get("Rule") or {}) if stored is not None else {}
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if not algorithm:
            algorithm, ref = default.get("SSEAlgorithm"), ref or default.get("KMSMasterKeyID")
        if bucket_key is None:
            bucket_key = str(rule.get("BucketKeyEnabled", "false")).lower() == "true"
        if algorithm and algorithm.startswith("aws:kms"):
            found.append(_kms("GenerateDataKey", ref or "alias/aws/s3", f"s3.{where.region}.amazonaws.com",
                              _s3_context(bucket, key, bool(bucket_key), where), where))
    if operation in S3_READS:
        found += _s3_read(bucket, key, params.get("VersionId"), where, with_object=False)
    return found


def _s3_read(bucket: str, key: str, version: str | None, where: Where, with_object: bool) -> list[dict]:
    """s3:GetObject on an object read on the caller's behalf (with_object), and kms:Decrypt of its data key."""
    found = []
    if with_object:
        action = "s3:GetObjectVersion" if version else "s3:GetObject"
        found.append(_record("s3", "GetObject", action, [f"arn:aws:s3:::{bucket}/{key}"], {},
                             {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}))
    stored = moto_state.s3_object(bucket, key, version, where.account, where.region)
    if stored is not None and (stored.encryption or "").startswith("aws:kms"):
        bucket_key = str(stored.bucket_key_enabled).lower() == "true"
        found.append(_kms("Decrypt", stored.kms_key_id or "alias/aws/s3", f"s3.{where.region}.amazonaws.com",
                          _s3_context(bucket, key, bucket_key, where), where))
    return found

