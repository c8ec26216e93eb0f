"""The launcher serves patched moto and records each call as the IAM check needs it.

    python3 -m unittest discover -s tools/rehearse/moto

One launcher runs for the whole class, on a free loopback port with a temporary record file; each
test makes real boto3 calls with names of its own and reads the lines they left.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "eu-west-1"
ACCOUNT = "123456789012"


class RecorderTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.record = os.path.join(cls.folder.name, "calls.jsonl")
        cls.server = subprocess.Popen([sys.executable, os.path.join(HERE, "launcher.py"), "--port", "0", "--record", cls.record],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.server.stdout.readline()
        if not line.startswith("moto: ready on "):
            cls.server.kill()
            raise RuntimeError(f"launcher did not start: {line!r} {cls.server.stderr.read()}")
        cls.endpoint = line.strip().rsplit(" ", 1)[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.server.stdout.close()
        cls.server.stderr.close()
        cls.folder.cleanup()

    def client(self, service, **credentials):
        credentials = credentials or {"aws_access_key_id": "AKIATESTCALLER", "aws_secret_access_key": "caller-secret-key"}
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint,
                            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}), **credentials)

    def calls(self):
        """(record, [records of the calls it implied]) in the order moto served them."""
        calls = []
        with open(self.record) as file:
            for line in file:
                record = json.loads(line)
                if record["implied_by"] is None:
                    calls.append((record, []))
                else:
                    self.assertEqual(calls[-1][0]["operation"], record["implied_by"])
                    calls[-1][1].append(record)
        return calls

    def matching(self, **match):
        return [(r, implied) for r, implied in self.calls() if all(r.get(k) == v for k, v in match.items())]

    def one(self, **match):
        found = self.matching(**match)
        self.assertEqual(1, len(found), f"calls matching {match}: {found}")
        return found[0]

    def kms_key(self, alias):
        kms = self.client("kms")
        key = kms.create_key(Description=alias)["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key["KeyId"])
        return key["Arn"]

    def test_s3_objects_with_sse_kms_record_the_actions_and_the_kms_calls_they_imply(self):
        key_arn = self.kms_key("archive")
        s3 = self.client("s3")
        s3.create_bucket(Bucket="archive-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_encryption(Bucket="archive-bucket", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
            "BucketKeyEnabled": True}]})
        s3.put_object(Bucket="archive-bucket", Key="emails/a.json", Body=b"object-payload-never-recorded", IfNoneMatch="*")
        with self.assertRaises(ClientError):
            s3.put_object(Bucket="archive-bucket", Key="emails/a.json", Body=b"again", IfNoneMatch="*")
        self.assertEqual(b"object-payload-never-recorded", s3.get_object(Bucket="archive-bucket", Key="emails/a.json")["Body"].read())
        s3.head_object(Bucket="archive-bucket", Key="emails/a.json")
        s3.list_objects_v2(Bucket="archive-bucket", Prefix="emails/")

        encryption, _ = self.one(operation="PutBucketEncryption")
        self.assertEqual("s3:PutEncryptionConfiguration", encryption["action"])
        self.assertEqual(["arn:aws:s3:::archive-bucket"], encryption["resources"])
        (put, [generate]), (refused, _) = self.matching(operation="PutObject")
        self.assertEqual(("s3:PutObject", ["arn:aws:s3:::archive-bucket/emails/a.json"], 200), (put["action"], put["resources"], put["status"]))
        self.assertEqual((412, "PreconditionFailed"), (refused["status"], refused["error"]))
        self.assertEqual(("kms:GenerateDataKey", [key_arn]), (generate["action"], generate["resources"]))
        self.assertEqual({"kms:ViaService": f"s3.{REGION}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::archive-bucket"},
                         {k: v for k, v in generate["context"].items() if k.startswith("kms:")})
        for operation in ("GetObject", "HeadObject"):
            read, implied = self.one(operation=operation)
            self.assertEqual(("s3:GetObject", ["arn:aws:s3:::archive-bucket/emails/a.json"]), (read["action"], read["resources"]))
            self.assertEqual([("kms:Decrypt", [key_arn])], [(r["action"], r["resources"]) for r in implied])
        listing, _ = self.one(operation="ListObjectsV2")
        self.assertEqual(("s3:ListBucket", ["arn:aws:s3:::archive-bucket"]), (listing["action"], listing["resources"]))
        self.assertEqual({"aws:SecureTransport": "false", "aws:RequestedRegion": REGION, "s3:prefix": "emails/"}, listing["context"])
        with open(self.record) as file:
            self.assertNotIn("object-payload-never-recorded", file.read())

    def test_sqs_keeps_redrive_allow_policy_and_policy_and_never_records_bodies(self):
        sqs = self.client("sqs")
        allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [f"arn:aws:sqs:{REGION}:{ACCOUNT}:work"]})
        url = sqs.create_queue(QueueName="work-dlq", Attributes={"RedriveAllowPolicy": allow})["QueueUrl"]
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*",
                             "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:work-dlq", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "1209600"})
        sqs.send_message(QueueUrl=url, MessageBody="message-body-never-recorded")

        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual((allow, policy), (attributes.get("RedriveAllowPolicy"), attributes.get("Policy")))
        queue = [f"arn:aws:sqs:{REGION}:{ACCOUNT}:work-dlq"]
        created, _ = self.one(operation="CreateQueue", params={"QueueName": "work-dlq"})
        self.assertEqual(("sqs:CreateQueue", queue), (created["action"], created["resources"]))
        sent, _ = self.one(operation="SendMessage", resources=queue)
        self.assertEqual(("sqs:SendMessage", {"QueueUrl": url}), (sent["action"], sent["params"]))
        self.assertEqual(2, len(self.matching(operation="SetQueueAttributes", action="sqs:SetQueueAttributes", resources=queue)))
        with open(self.record) as file:
            self.assertNotIn("message-body-never-recorded", file.read())

    def test_secure_string_parameters_imply_kms_calls_and_their_value_is_never_recorded(self):
        key_arn = self.kms_key("token")
        ssm = self.client("ssm")
        ssm.put_parameter(Name="/rehearse/dev/token", Value="token-value-never-recorded", Type="SecureString", KeyId="alias/token")
        value = ssm.get_parameter(Name="/rehearse/dev/token", WithDecryption=True)["Parameter"]["Value"]
        self.assertEqual("token-value-never-recorded", value)

        parameter = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/rehearse/dev/token"
        put, put_implied = self.one(operation="PutParameter")
        get, get_implied = self.one(operation="GetParameter")
        self.assertEqual(("ssm:PutParameter", [parameter]), (put["action"], put["resources"]))
        self.assertEqual(("ssm:GetParameter", [parameter], True), (get["action"], get["resources"], get["params"]["WithDecryption"]))
        expected_context = {"kms:ViaService": f"ssm.{REGION}.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": parameter}
        for implied, action in ((put_implied, "kms:Encrypt"), (get_implied, "kms:Decrypt")):
            [kms] = implied
            self.assertEqual((action, [key_arn], "kms"), (kms["action"], kms["resources"], kms["service"]))
            self.assertEqual(expected_context, {k: v for k, v in kms["context"].items() if k.startswith("kms:")})
        with open(self.record) as file:
            text = file.read()
        self.assertNotIn("token-value-never-recorded", text)
        self.assertNotIn("caller-secret-key", text)
        self.assertNotIn("Signature=", text)

    def test_calls_with_assumed_role_credentials_name_the_role(self):
        iam = self.client("iam")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        role = iam.create_role(RoleName="api-task", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        credentials = self.client("sts").assume_role(RoleArn=role, RoleSessionName="rehearsal")["Credentials"]
        as_role = self.client("sqs", aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
        as_role.list_queues(QueueNamePrefix="api-")

        created, _ = self.one(operation="CreateRole")  # IAM speaks the query protocol
        self.assertEqual(("iam", "iam:CreateRole", [role]), (created["service"], created["action"], created["resources"]))
        assumed, _ = self.one(operation="AssumeRole")
        self.assertEqual(("sts:AssumeRole", [role], None), (assumed["action"], assumed["resources"], assumed["principal"]))
        listed, _ = self.one(operation="ListQueues", key=credentials["AccessKeyId"])
        self.assertEqual((role, "sqs:ListQueues", ["*"]), (listed["principal"], listed["action"], listed["resources"]))

    def test_a_failed_lambda_call_records_its_error_and_qualified_function(self):
        with self.assertRaises(ClientError):
            self.client("lambda").get_function(FunctionName="worker", Qualifier="live")

        failed, _ = self.one(operation="GetFunction")
        self.assertEqual(("lambda:GetFunction", [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker:live"]),
                         (failed["action"], failed["resources"]))
        self.assertEqual((404, "ResourceNotFoundException"), (failed["status"], failed["error"]))

    def test_dump_iam_prints_the_roles_and_resource_policies_moto_holds(self):
        iam = self.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}]}
        boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=json.dumps(read))["Policy"]["Arn"]
        role = iam.create_role(RoleName="worker-function", AssumeRolePolicyDocument=json.dumps(trust),
                               PermissionsBoundary=boundary)["Role"]["Arn"]
        iam.put_role_policy(RoleName="worker-function", PolicyName="poll", PolicyDocument=json.dumps(read))
        iam.attach_role_policy(RoleName="worker-function", PolicyArn=boundary)
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="dumped")["QueueUrl"]
        queue_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": role},
                        "Action": "sqs:ReceiveMessage", "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dumped"}]}
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(queue_policy)})
        self.client("lambda").create_function(FunctionName="dumped", Runtime="java21", Role=role, Handler="h",
                                              Code={"ZipFile": _zip()})
        self.client("lambda").add_permission(FunctionName="dumped", StatementId="sqs", Action="lambda:InvokeFunction",
                                             Principal="sqs.amazonaws.com")

        dump = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "dump_iam.py"), "--endpoint", self.endpoint],
                                         check=True, capture_output=True, text=True, timeout=60).stdout)
        dumped = dump["roles"][role]
        self.assertEqual(("worker-function", trust), (dumped["name"], dumped["trust"]))
        self.assertEqual([{"name": "poll", "document": read}, {"name": boundary, "document": read}], dumped["policies"])
        self.assertEqual({"arn": boundary, "document": read}, dumped["boundary"])
        self.assertEqual({"kind": "queue", "policy": queue_policy}, dump["resources"][f"arn:aws:sqs:{REGION}:{ACCOUNT}:dumped"])
        function = dump["resources"][f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:dumped"]
        self.assertEqual(("function", "sqs.amazonaws.com"), (function["kind"], function["policy"]["Statement"][0]["Principal"]["Service"]))
        created, [passed] = self.one(operation="CreateFunction")
        self.assertEqual(("iam:PassRole", [role], {"iam:PassedToService": "lambda.amazonaws.com"}),
                         (passed["action"], passed["resources"], {k: v for k, v in passed["context"].items() if k.startswith("iam:")}))

    def test_scalable_target_tags_are_listed_and_recorded_on_the_target(self):
        scaling = self.client("application-autoscaling")
        arn = scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/emails",
                                               ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=1,
                                               MaxCapacity=4, Tags={"Project": "rehearse"})["ScalableTargetARN"]
        self.assertEqual({"Project": "rehearse"}, scaling.list_tags_for_resource(ResourceARN=arn)["Tags"])

        for operation in ("RegisterScalableTarget", "ListTagsForResource"):
            record, _ = self.one(operation=operation, service="application-autoscaling")
            self.assertEqual((f"application-autoscaling:{operation}", [arn], 200), (record["action"], record["resources"], record["status"]))


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Handler.class", b"function-code-never-recorded")
    return buffer.getvalue()


class RoutingTests(unittest.TestCase):
    """Each operation of botocore's models, sent as boto3 sends it, is recognised as itself."""

    # same method, path and query as another operation: the wire cannot tell them apart
    INDISTINGUISHABLE = {"GetBucketLifecycle", "GetBucketNotification", "PutBucketLifecycle", "PutBucketNotification"}
    OTHER_SIGNING_NAME = {"ListDirectoryBuckets", "WriteGetObjectResponse"}  # s3express, s3-object-lambda

    def test_every_operation_of_the_rest_json_and_query_services_resolves_to_itself(self):
        from routing_probe import misrouted

        for service in ("s3", "lambda", "sqs", "elbv2", "cloudwatch", "logs", "iam", "application-autoscaling"):
            with self.subTest(service=service):
                wrong = [m for m in misrouted(service) if m[0] not in self.INDISTINGUISHABLE | self.OTHER_SIGNING_NAME]
                self.assertEqual([], wrong)

    def test_an_unsigned_web_identity_call_is_read_as_sts_and_keeps_no_token(self):
        import operations
        from redact import redact
        from werkzeug.test import EnvironBuilder

        role = f"arn:aws:iam::{ACCOUNT}:role/ci-deploy-dev"
        body = f"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={role}&RoleSessionName=gh&WebIdentityToken=eyJ.jwt.sig".encode()
        environ = EnvironBuilder(method="POST", path="/", data=body, content_type="application/x-www-form-urlencoded").get_environ()
        call = operations.resolve(environ, body)
        self.assertEqual((None, "sts", "AssumeRoleWithWebIdentity"), (call.key, call.service, call.operation))
        self.assertEqual({"RoleArn": role, "RoleSessionName": "gh"}, redact(call.params))

    def test_a_virtual_host_style_request_names_its_bucket_from_the_host(self):
        import operations
        from werkzeug.test import EnvironBuilder

        environ = EnvironBuilder(method="GET", path="/emails/a.json", query_string="tagging", headers={
            "Host": "archive-bucket.s3.eu-west-1.amazonaws.com",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20261201/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=00"}).get_environ()
        call = operations.resolve(environ, b"")
        self.assertEqual(("GetObjectTagging", "archive-bucket", "emails/a.json"), (call.operation, call.params.get("Bucket"), call.params.get("Key")))


if __name__ == "__main__":
    unittest.main()
