"""Sends every operation of a botocore service model through boto3 with made-up required parameters,
stops each request before it leaves (a before-send hook answers it), and asks operations.resolve
which operation the request is. Used by the routing tests; nothing here reaches a server."""

import datetime
from urllib.parse import urlsplit

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from werkzeug.test import EnvironBuilder

import operations

NAMES = {"Bucket": "archive-bucket", "Key": "emails/a.json"}


def _value(shape, name: str, depth: int = 0):
    kind = shape.type_name
    if kind == "structure":
        return {m: _value(shape.members[m], m, depth + 1) for m in shape.required_members} if depth < 5 else {}
    if kind == "list":
        return [_value(shape.member, name, depth + 1)]
    if kind == "map":
        return {}
    return {"integer": 1, "long": 1, "float": 1.0, "double": 1.0, "boolean": True, "blob": b"x",
            "timestamp": datetime.datetime(2026, 1, 1)}.get(kind) or (shape.enum[0] if shape.enum else NAMES.get(name, "name"))


def misrouted(service: str) -> list[tuple]:
    """(operation, what resolve answered, method, path, query) for each operation not resolved as itself."""
    client = boto3.client(service, region_name="eu-west-1", endpoint_url="http://127.0.0.1:1",
                          aws_access_key_id="AKIAROUTING", aws_secret_access_key="routing",
                          config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                        parameter_validation=False))
    sent = {}

    def answer(request, **_):
        sent["request"] = request
        return AWSResponse(request.url, 599, {}, None)

    client.meta.events.register("before-send", answer)
    model = client.meta.service_model
    wrong = []
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        sent.clear()
        try:
            getattr(client, botocore.xform_name(name))(**(_value(shape, "") if shape else {}))
        except Exception:
            pass  # the made-up 599 answer
        request = sent.get("request")
        if request is None:
            wrong.append((name, "no request sent"))
            continue
        url = urlsplit(request.url)
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode() if isinstance(request.body or "", str) else request.body.read()
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        environ = EnvironBuilder(method=request.method, path=url.path or "/", query_string=url.query, headers=headers,
                                 data=body, base_url=f"{url.scheme}://{url.netloc}").get_environ()
        call = operations.resolve(environ, body)
        if call.operation != name:
            wrong.append((name, call.operation, request.method, url.path, url.query))
    return wrong
