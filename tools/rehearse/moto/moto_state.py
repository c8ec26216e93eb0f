"""What the recorder reads from moto's backends in this process: who holds an access key, and the
resources (keys, parameters, buckets, objects...) whose ARNs or encryption a call depends on.
Every function answers None when moto does not hold the thing; none of them changes moto's state,
except that resolving an AWS managed key alias (alias/aws/s3, alias/aws/ssm) makes moto create that
key, as AWS does on first use."""

import os

from moto.core import DEFAULT_ACCOUNT_ID
from moto.utilities.utils import get_partition


def account(key: str | None) -> str:
    """The account moto serves a request signed with `key` from (as BaseResponse.get_current_account)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if not key:
        return DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    return get_account_id_from(key)


def principal(key: str | None) -> str | None:
    """ARN of the role whose STS session (AssumeRole, AssumeRoleWithWebIdentity...) issued `key`."""
    if not key:
        return None
    from moto.sts.models import sts_backends

    for by_partition in list(sts_backends.values()):
        for backend in list(by_partition.values()):
            assumed = backend.get_assumed_role_from_access_key(key)
            if assumed:
                return assumed.role_arn
    return None


def _backend(backends, account_id: str, region: str):
    try:
        return backends[account_id][region]
    except KeyError:
        return None


def kms_key_arn(ref: str | None, region: str, account_id: str) -> str | None:
    """Key ARN of a key id, key ARN, alias name or alias ARN."""
    if not ref:
        return None
    if ref.startswith("arn:"):
        parts = ref.split(":")
        region, account_id = parts[3], parts[4]
    from moto.kms.models import kms_backends

    backend = _backend(kms_backends, account_id, region)
    try:
        key_id = backend.any_id_to_key_id(ref)
        return backend.keys[key_id].arn
    except Exception:
        if ":key/" in ref:
            return ref
        return None


def kms_alias_target(alias: str, region: str, account_id: str) -> str | None:
    from moto.kms.models import kms_backends

    backend = _backend(kms_backends, account_id, region)
    for key in list(backend.keys.values()) if backend else []:
        if alias in key.aliases:
            return key.arn
    return None


def ssm_parameter(name: str, region: str, account_id: str):
    from moto.ssm.models import ssm_backends

    backend = _backend(ssm_backends, account_id, region)
    try:
        return backend.get_parameter(name) if backend else None
    except Exception:
        return None


def _s3():
    from moto.s3.models import s3_backends

    return s3_backends


def bucket(name: str, account_id: str, region: str):
    backend = _backend(_s3(), account_id, get_partition(region))
    return backend.buckets.get(name) if backend else None


def s3_object(bucket_name: str, key: str, version: str | None, account_id: str, region: str):
    found = bucket(bucket_name, account_id, region)
    if found is None:
        return None
    if not version:
        return found.keys.get(key)
    for candidate in found.keys.getlist(key, default=[]):
        if str(candidate.version_id) == str(version):
            return candidate
    return None


def role_arn(name: str, account_id: str, region: str) -> str | None:
    from moto.iam.models import iam_backends

    backend = _backend(iam_backends, account_id, get_partition(region))
    try:
        return backend.get_role(name).arn
    except Exception:
        return None


def load_balancer_arn(name: str, account_id: str, region: str) -> str | None:
    from moto.elbv2.models import elbv2_backends

    backend = _backend(elbv2_backends, account_id, region)
    return next((lb.arn for lb in list(backend.load_balancers.values()) if lb.name == name), None) if backend else None


def target_group_arn(name: str, account_id: str, region: str) -> str | None:
    from moto.elbv2.models import elbv2_backends

    backend = _backend(elbv2_backends, account_id, region)
    return next((tg.arn for tg in list(backend.target_groups.values()) if tg.name == name), None) if backend else None


def scalable_target_arn(namespace: str, resource_id: str, dimension: str, account_id: str, region: str) -> str | None:
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    backend = _backend(applicationautoscaling_backends, account_id, region)
    target = backend.targets.get(dimension, {}).get(resource_id) if backend else None
    return target.arn if target is not None and target.service_namespace == namespace else None


def secret_arn(secret_id: str, account_id: str, region: str) -> str | None:
    from moto.secretsmanager.models import secretsmanager_backends

    backend = _backend(secretsmanager_backends, account_id, region)
    try:
        return backend.secrets[secret_id].arn if backend and secret_id in backend.secrets else None
    except Exception:
        return None


def task_definition_revision(family: str, account_id: str, region: str) -> int | None:
    from moto.ecs.models import ecs_backends

    backend = _backend(ecs_backends, account_id, region)
    revisions = backend.task_definitions.get(family) if backend else None
    return max(revisions) if revisions else None


def resource_tags(arns: list[str], where) -> dict:
    """The tags moto holds for the one resource a call names (Lambda functions and event source
    mappings, whose tag conditions the deploy roles use); {} for anything else or several."""
    if len(arns) != 1 or not arns[0].startswith("arn:aws:lambda:"):
        return {}
    from moto.awslambda.models import lambda_backends

    arn = arns[0]
    region = arn.split(":")[3]
    backend = _backend(lambda_backends, arn.split(":")[4] or where.account, region)
    if backend is None:
        return {}
    try:
        base = arn if ":event-source-mapping:" in arn else ":".join(arn.split(":")[:7])
        return dict(backend.list_tags(base) or {})
    except Exception:
        return {}
