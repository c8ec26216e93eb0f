"""Patches for the gaps of moto 5.2.1 that the project's units hit, and a check that each is still needed.

Each gap is one patch function (its docstring names the AWS behaviour moto lacks) and one probe that
calls moto in process (``mock_aws`` and boto3) and says what differs from AWS, or None when moto
behaves as AWS does.

    python3 tools/rehearse/moto/patches.py --check

runs every probe against unpatched moto (it must still show the gap, else "moto now implements X:
remove the patch"), applies the patch, and runs the probe again (it must now behave as AWS). Exit 0
only if every probe holds. The launcher runs the same check at start (``apply(check=True)``) before it
serves, and refuses to start when a probe fails.
"""

import json
import sys
from dataclasses import dataclass
from typing import Callable

REGION = "eu-west-1"


@dataclass(frozen=True)
class Gap:
    name: str
    patch: Callable[[], None]
    probe: Callable[[], str | None]


_applied: set[str] = set()


def _once(patch: Callable[[], None]) -> Callable[[], None]:
    def apply_once() -> None:
        if patch.__name__ not in _applied:
            patch()
            _applied.add(patch.__name__)

    apply_once.__name__ = patch.__name__
    apply_once.__doc__ = patch.__doc__
    return apply_once


def _client(service: str):
    import boto3

    return boto3.client(service, region_name=REGION, aws_access_key_id="probe", aws_secret_access_key="probe")


# --- SQS: RedriveAllowPolicy -------------------------------------------------------------------------


@_once
def sqs_redrive_allow_policy() -> None:
    """SQS queue attribute RedriveAllowPolicy: AWS accepts it in CreateQueue and SetQueueAttributes,
    stores the JSON as given and returns it from GetQueueAttributes (by name and with All); an empty
    string removes it. moto 5.2.1 stores nothing and rejects the name in GetQueueAttributes."""
    from moto.sqs.models import Queue

    Queue.BASE_ATTRIBUTES.append("RedriveAllowPolicy")
    Queue.redrive_allow_policy = property(
        lambda queue: queue.__dict__.get("_redrive_allow_policy") or None,
        lambda queue, value: queue.__dict__.__setitem__("_redrive_allow_policy", value),
    )


def probe_sqs_redrive_allow_policy() -> str | None:
    sqs = _client("sqs")
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [f"arn:aws:sqs:{REGION}:123456789012:src"]})
    url = sqs.create_queue(QueueName="dlq", Attributes={"RedriveAllowPolicy": allow})["QueueUrl"]
    try:
        named = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedriveAllowPolicy"]).get("Attributes", {})
    except Exception as error:  # moto 5.2.1: InvalidAttributeName
        return f"GetQueueAttributes(RedriveAllowPolicy) fails: {error}"
    if named.get("RedriveAllowPolicy") != allow:
        return f"CreateQueue's RedriveAllowPolicy not returned: {named}"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    if json.loads(every.get("RedriveAllowPolicy", "{}")).get("redrivePermission") != "denyAll":
        return f"SetQueueAttributes' RedriveAllowPolicy not returned with All: {every}"
    return None


# --- SQS: SetQueueAttributes keeps the policy ---------------------------------------------------------


@_once
def sqs_set_attributes_keeps_policy() -> None:
    """SQS SetQueueAttributes without a Policy attribute: AWS leaves the queue's policy as it is.
    moto 5.2.1 replaces it with None (Queue._set_attributes assigns attributes.get("Policy"))."""
    from moto.sqs.models import Queue

    set_attributes = Queue._set_attributes

    def _set_attributes(queue, attributes, now=None):
        kept = getattr(queue, "policy", None)
        set_attributes(queue, attributes, now)
        if "Policy" not in attributes:
            queue.policy = kept

    Queue._set_attributes = _set_attributes


def probe_sqs_set_attributes_keeps_policy() -> str | None:
    sqs = _client("sqs")
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45"})
    kept = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    if kept.get("Policy") != policy:
        return f"SetQueueAttributes(VisibilityTimeout) dropped the policy: {kept}"
    return None


@_once
def sqs_redrive_policy_as_set() -> None:
    """SQS GetQueueAttributes RedrivePolicy: AWS returns the policy as compact JSON
    ({"deadLetterTargetArn":"…","maxReceiveCount":5}), so the provider finds what it set.
    moto 5.2.1 re-serialises it with Python's json.dumps defaults (a space after ':' and ','):
    the provider waits for the attribute to settle (over a minute per queue) and a second plan
    shows a change."""
    import json as _json

    from moto.sqs.models import Queue

    original = Queue.attributes.fget

    def compact(queue):
        result = original(queue)
        if queue.redrive_policy and "RedrivePolicy" in result:
            result["RedrivePolicy"] = _json.dumps(queue.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(compact)


def probe_sqs_redrive_policy_as_set() -> str | None:
    sqs = _client("sqs")
    dead = sqs.create_queue(QueueName="dead")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5}, separators=(",", ":"))
    url = sqs.create_queue(QueueName="work-redrive", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    answer = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"].get("RedrivePolicy")
    if answer != policy:
        return f"RedrivePolicy answered {answer!r}, set {policy!r}"
    return None


# --- Application Auto Scaling: tags -------------------------------------------------------------------


@_once
def application_autoscaling_tags() -> None:
    """Application Auto Scaling ListTagsForResource, TagResource and UntagResource on a scalable target's
    ARN, with the Tags given at RegisterScalableTarget: AWS implements them (the Terraform provider reads
    the tags right after creating an aws_appautoscaling_target); moto 5.2.1 has none of the three
    (NotImplementedError, a 500 in server mode) and ignores RegisterScalableTarget's Tags."""
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    def target_by_arn(backend, arn):
        for by_resource in backend.targets.values():
            for target in by_resource.values():
                if target.arn == arn:
                    return target
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for {arn}")

    register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self):
        body = register(self)
        tags = self._get_param("Tags")
        if tags:
            target = target_by_arn(self.applicationautoscaling_backend, json.loads(body)["ScalableTargetARN"])
            target.__dict__.setdefault("tags", {}).update(tags)
        return body

    def list_tags_for_resource(self):
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        return json.dumps({"Tags": target.__dict__.get("tags", {})})

    def tag_resource(self):
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        target.__dict__.setdefault("tags", {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self):
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        for key in self._get_param("TagKeys") or []:
            target.__dict__.get("tags", {}).pop(key, None)
        return json.dumps({})

    ApplicationAutoscalingBackend.target_by_arn = target_by_arn
    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource


def probe_application_autoscaling_tags() -> str | None:
    scaling = _client("application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="dynamodb", ResourceId="table/t", ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=1, MaxCapacity=2, Tags={"Project": "probe"})["ScalableTargetARN"]
    try:
        tags = scaling.list_tags_for_resource(ResourceARN=arn)["Tags"]
    except Exception as error:  # moto 5.2.1: NotImplementedError
        return f"ListTagsForResource fails: {error!r}"
    if tags != {"Project": "probe"}:
        return f"RegisterScalableTarget's Tags not listed: {tags}"
    scaling.tag_resource(ResourceARN=arn, Tags={"Env": "dev"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Project"])
    tags = scaling.list_tags_for_resource(ResourceARN=arn)["Tags"]
    if tags != {"Env": "dev"}:
        return f"TagResource/UntagResource not applied: {tags}"
    return None


# --- Policy conditions (bucket policies) ------------------------------------------------------------


@_once
def policy_conditions_need_their_keys() -> None:
    """IAM policy evaluation of a statement's Condition (as S3 applies a bucket policy): AWS finds that a
    condition on a key absent from the request does not hold (except ...IfExists, Null and ForAllValues
    operators), and a statement whose condition does not hold does not apply. moto 5.2.1 finds such a
    condition holding and answers DENIED for any statement whose condition fails, so a TLS-only bucket
    policy (Deny s3:* when aws:SecureTransport is false) denies every object call."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    is_action_permitted = IAMPolicyStatement.is_action_permitted

    def holds(operator: str, key: str, expected, values: dict) -> bool:
        if operator == "Null":
            wanted = "false" if key in values else "true"
            return any(str(value).lower() == wanted for value in (expected if isinstance(expected, list) else [expected]))
        return key in values or operator.endswith("IfExists") or operator.startswith("ForAllValues:")

    def permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        values = incoming_condition_values or {}
        for operator, keys in (self._statement.get("Condition") or {}).items():
            if not all(holds(operator, key, expected, values) for key, expected in keys.items()):
                return PermissionResult.NEUTRAL
        return is_action_permitted(self, action, resource, principal, incoming_condition_values)

    IAMPolicyStatement.is_action_permitted = permitted


def probe_policy_conditions_need_their_keys() -> str | None:
    s3 = _client("s3")
    s3.create_bucket(Bucket="tls-only", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    status = _put_status(s3, "tls-only")
    if status != 200:
        return f"PutObject under a TLS-only bucket policy answers {status}"
    s3.create_bucket(Bucket="no-puts", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket="no-puts", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::no-puts/*"}]}))
    status = _put_status(s3, "no-puts")
    if status != 403:
        return f"PutObject under an unconditional Deny answers {status}"
    return None


def _put_status(s3, bucket: str) -> int:
    from botocore.exceptions import ClientError

    try:
        return s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ResponseMetadata"]["HTTPStatusCode"]
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"]


# --- ECS: UpdateService starts a deployment -----------------------------------------------------------


@_once
def ecs_update_service_deploys() -> None:
    """ECS UpdateService with a new task definition (or forceNewDeployment) on a service of the ECS
    deployment controller: AWS starts a new deployment, PRIMARY with a new id and the new revision's
    ARN, the old one ACTIVE until the new tasks are steady; then the old one is gone and the primary's
    rolloutState is COMPLETED. The service's taskDefinition is the revision's ARN, however it was named.
    moto 5.2.1 keeps the old PRIMARY deployment of the old revision and stores the name as given.

    moto runs no tasks, so the new deployment is at once in the state moto's CreateService gives a
    deployment: COMPLETED and alone when the service's running count (MOTO_ECS_SERVICE_RUNNING, or the
    desiredCount of an UpdateService) reaches its desired count, else IN_PROGRESS beside the old one."""
    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.moto_api._internal import mock_random

    update_service = EC2ContainerServiceBackend.update_service

    def deploying_update_service(self, service_properties):
        requested = service_properties.get("task_definition")
        forced = service_properties.get("force_new_deployment", False)
        service = update_service(self, service_properties)
        if requested:
            service.task_definition = self.describe_task_definition(requested).arn
        old = service.deployments[0] if service.deployments else None
        if old is None or not (forced or old["taskDefinition"] != service.task_definition):
            return service
        deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
        completed = service.running_count >= service.desired_count
        now = utcnow()
        service.deployments = [{
            **old, "id": deployment_id, "status": "PRIMARY", "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count, "runningCount": service.running_count,
            "pendingCount": service.pending_count, "createdAt": now, "updatedAt": now,
            "rolloutState": "COMPLETED" if completed else "IN_PROGRESS",
            "rolloutStateReason": f"ECS deployment {deployment_id} {'completed' if completed else 'in progress'}.",
        }] + ([] if completed else [{**old, "status": "ACTIVE"}])
        return service

    EC2ContainerServiceBackend.update_service = deploying_update_service


def probe_ecs_update_service_deploys() -> str | None:
    from unittest import mock

    ecs = _client("ecs")
    ecs.create_cluster(clusterName="probe")
    first, second = (ecs.register_task_definition(family="api", containerDefinitions=[
        {"name": "api", "image": "api", "memory": 512}])["taskDefinition"]["taskDefinitionArn"] for _ in range(2))
    with mock.patch.dict("os.environ", {"MOTO_ECS_SERVICE_RUNNING": "2"}):
        created = ecs.create_service(cluster="probe", serviceName="api", taskDefinition=first, desiredCount=2)["service"]
    service = ecs.update_service(cluster="probe", service="api", taskDefinition="api:2")["service"]
    deployments = [{key: deployment.get(key) for key in ("status", "taskDefinition", "rolloutState", "runningCount",
                                                         "desiredCount")} for deployment in service["deployments"]]
    if deployments != [{"status": "PRIMARY", "taskDefinition": second, "rolloutState": "COMPLETED", "runningCount": 2,
                        "desiredCount": 2}]:
        return f"after UpdateService(api:2) of a steady service, deployments are {deployments}"
    [deployment], [before] = service["deployments"], created["deployments"]
    if deployment["id"] == before["id"] or deployment["rolloutStateReason"] != f"ECS deployment {deployment['id']} completed.":
        return f"the deployment of api:2 is not a new one: {deployment['id']} ({deployment['rolloutStateReason']})"
    if service["taskDefinition"] != second:
        return f"UpdateService(api:2) leaves the service's taskDefinition {service['taskDefinition']}"
    return None


# --- ELBv2: deletion protection -----------------------------------------------------------------------


@_once
def elbv2_deletion_protection() -> None:
    """ELBv2 DeleteLoadBalancer while the attribute deletion_protection.enabled is true: AWS refuses with
    OperationNotPermitted (400) and keeps the load balancer, until ModifyLoadBalancerAttributes sets it
    false. moto 5.2.1 deletes it anyway (ELBv2Backend.delete_load_balancer reads no attribute)."""
    from moto.elbv2.exceptions import ELBClientError
    from moto.elbv2.models import ELBv2Backend

    delete_load_balancer = ELBv2Backend.delete_load_balancer

    def protected_delete_load_balancer(self, arn):
        balancer = self.load_balancers.get(arn)
        if balancer is not None and str(balancer.attrs.get("deletion_protection.enabled")).lower() == "true":
            raise ELBClientError("OperationNotPermitted",
                                 f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled")
        delete_load_balancer(self, arn)

    ELBv2Backend.delete_load_balancer = protected_delete_load_balancer


def probe_elbv2_deletion_protection() -> str | None:
    from botocore.exceptions import ClientError

    ec2, elbv2 = _client("ec2"), _client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for index, zone in enumerate("ab")]
    arn = elbv2.create_load_balancer(Name="protected", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]

    def protection(enabled: str) -> None:
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": enabled}])

    protection("true")
    try:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
        return "DeleteLoadBalancer deletes a load balancer with deletion protection"
    except ClientError as error:
        if error.response["Error"]["Code"] != "OperationNotPermitted":
            return f"DeleteLoadBalancer of a protected load balancer answers {error.response['Error']}"
    protection("false")
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    if elbv2.describe_load_balancers()["LoadBalancers"]:
        return "DeleteLoadBalancer after deletion protection is off keeps the load balancer"
    return None


GAPS = [
    Gap("SQS RedriveAllowPolicy", sqs_redrive_allow_policy, probe_sqs_redrive_allow_policy),
    Gap("SQS SetQueueAttributes keeps Policy", sqs_set_attributes_keeps_policy, probe_sqs_set_attributes_keeps_policy),
    Gap("SQS RedrivePolicy as set", sqs_redrive_policy_as_set, probe_sqs_redrive_policy_as_set),
    Gap("Application Auto Scaling tags", application_autoscaling_tags, probe_application_autoscaling_tags),
    Gap("policy conditions need their keys", policy_conditions_need_their_keys, probe_policy_conditions_need_their_keys),
    Gap("ECS UpdateService starts a deployment", ecs_update_service_deploys, probe_ecs_update_service_deploys),
    Gap("ELBv2 deletion protection", elbv2_deletion_protection, probe_elbv2_deletion_protection),
]


def _probe(gap: Gap) -> str | None:
    from moto import mock_aws

    with mock_aws():
        return gap.probe()


def apply(check: bool) -> list[str]:
    """Applies every patch; with check, first proves each gap on unpatched moto and each fix after it.
    Returns the failures (empty when all hold)."""
    failures = []
    for gap in GAPS:
        if check and gap.patch.__name__ not in _applied and _probe(gap) is None:
            failures.append(f"{gap.name}: moto now implements it ({gap.patch.__name__}): remove the patch")
            continue
        gap.patch()
        if check and (difference := _probe(gap)) is not None:
            failures.append(f"{gap.name}: still differs from AWS with {gap.patch.__name__}: {difference}")
    return failures


def main(argv: list[str]) -> int:
    if argv != ["--check"]:
        print("usage: patches.py --check", file=sys.stderr)
        return 2
    failures = apply(check=True)
    for gap in GAPS:
        print(f"{'FAIL' if any(f.startswith(gap.name + ':') for f in failures) else 'ok  '} {gap.name} ({gap.patch.__name__})")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
