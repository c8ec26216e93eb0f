"""Which AWS API operation a request to moto is, and its parameters, read as AWS would read them.

The SigV4 credential scope (Authorization header or X-Amz-Credential query) gives the access key,
region and signing service; the signing service names botocore's service model. The operation
comes from X-Amz-Target (JSON protocols), the Action field (query protocols), the path of
Smithy RPC v2 (/service/<name>/operation/<Operation>), or else from matching method, path and query
against each operation's http.method/http.requestUri (REST protocols: the most specific match wins).
Parameters are parsed with moto's own request parsers over botocore's shapes.
"""

import io
import json
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

# SigV4 signing name -> botocore service names, where they differ
SERVICES = {
    "monitoring": ["cloudwatch"],
    "elasticloadbalancing": ["elbv2", "elb"],
    "s3": ["s3", "s3control"],
    "email": ["sesv2", "ses"],
    "execute-api": ["apigateway"],
}
UNSIGNED = {"AssumeRoleWithWebIdentity": "sts", "AssumeRoleWithSAML": "sts"}
CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


@dataclass
class Call:
    key: str | None = None
    region: str | None = None
    signing_service: str | None = None
    service: str | None = None  # botocore's service name
    operation: str | None = None
    params: dict = field(default_factory=dict)
    host: str = ""


def signature(environ: dict, query: dict) -> tuple[str | None, str | None, str | None]:
    """(access key id, region, service) of the SigV4 (or SigV4a) credential scope, else Nones."""
    match = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    credential = match.group(1) if match else query.get("X-Amz-Credential")
    if not credential:
        return None, None, None
    parts = credential.split("/")  # key/date/region/service/aws4_request; SigV4a has no region
    if len(parts) == 5:
        return parts[0], parts[2], parts[3]
    if len(parts) == 4:
        return parts[0], environ.get("HTTP_X_AMZ_REGION_SET"), parts[2]
    return parts[0], None, None


def resolve(environ: dict, body: bytes) -> Call:
    request = Request(dict(environ, **{"wsgi.input": io.BytesIO(body)}))
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    form = _form(environ, body)
    call = Call(host=environ.get("HTTP_HOST", ""))
    call.key, call.region, call.signing_service = signature(environ, query)
    action = form.get("Action") or query.get("Action")
    scope = call.signing_service or UNSIGNED.get(action or "")
    if not scope:
        return call
    path = _path(environ)
    for name in SERVICES.get(scope, [scope]):
        model = _model(name)
        if model is None or not _fits(model, path, form, query):
            continue
        call.service = name
        if scope == "s3" and name == "s3":
            path = _s3_path(environ, path)
        call.operation, labels = _operation(model, environ, path, action, query)
        if call.operation:
            call.params = _params(model, call.operation, request, path, labels, body, form, query)
        return call
    call.operation = action or (environ.get("HTTP_X_AMZ_TARGET") or "").rpartition(".")[2] or None
    call.params = form or query
    return call


def _path(environ: dict) -> str:
    path = environ.get("PATH_INFO", "") or "/"
    try:
        return path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return path


def _form(environ: dict, body: bytes) -> dict:
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


_models: dict = {}
_routes: dict = {}
_lock = threading.Lock()


def _model(name: str):
    with _lock:
        if name not in _models:
            from moto.core.utils import get_service_model

            try:
                _models[name] = get_service_model(name)
            except Exception:  # botocore has no such service
                _models[name] = None
        return _models[name]


def _fits(model, path: str, form: dict, query: dict) -> bool:
    """Tells apart the botocore services that share one signing name."""
    name = model.service_name
    version = form.get("Version") or query.get("Version")
    if name in ("elb", "elbv2"):
        return version is None or version == model.api_version
    if name == "s3control":
        return path.startswith("/v20180820/")
    if name in ("ses", "sesv2"):
        return path.startswith("/v2/") == (name == "sesv2")
    return True


def _s3_path(environ: dict, path: str) -> str:
    """Path-style path of a virtual-host style request, decided as moto's S3 decides it."""
    from moto.s3.responses import S3Response
    from moto.s3.utils import bucket_name_from_url

    host = environ.get("HTTP_HOST", "")
    request = type("R", (), {"headers": {"host": host, "Host": host}, "url": f"http://{host}{path}"})()
    if S3Response.subdomain_based_buckets(None, request):
        bucket = bucket_name_from_url(f"http://{host}{path}")
        if bucket:
            return f"/{bucket}{path}" if path != "/" else f"/{bucket}"
    return path


def _operation(model, environ: dict, path: str, action: str | None, query: dict) -> tuple[str | None, dict]:
    names = model.operation_names
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        name = target.rpartition(".")[2]
        return (name if name in names else None), {}
    if action:
        return (action if action in names else None), {}
    rpc = re.match(r"^/service/[^/]+/operation/([^/]+)$", path)
    if rpc and "smithy-rpc-v2-cbor" in model.metadata.get("protocols", [model.protocol]):
        return (rpc.group(1) if rpc.group(1) in names else None), {}
    if model.protocol not in ("rest-xml", "rest-json"):
        return None, {}
    if query.get("x-id") in names:
        hinted = [r for r in _rest_routes(model) if r.name == query["x-id"]]
        labels = hinted[0].match(environ, path, query) if hinted else None
        if labels is not None:
            return hinted[0].name, labels
    best = None
    for route in _rest_routes(model):
        labels = route.match(environ, path, query)
        if labels is not None and (best is None or route.rank > best[0].rank):
            best = (route, labels)
    return (best[0].name, best[1]) if best else (None, {})


@dataclass
class Route:
    name: str
    method: str
    pattern: re.Pattern
    labels: dict  # regex group -> URI label
    literal_query: dict  # key -> value ("" = any value)
    required_query: list
    required_headers: list
    rank: tuple

    def match(self, environ: dict, path: str, query: dict) -> dict | None:
        if environ.get("REQUEST_METHOD") != self.method:
            return None
        found = self.pattern.match(path)
        if not found:
            return None
        for key, value in self.literal_query.items():
            if key not in query or (value and query[key] != value):
                return None
        if any(key not in query for key in self.required_query):
            return None
        if any(f"HTTP_{h.upper().replace('-', '_')}" not in environ for h in self.required_headers):
            return None
        return {self.labels[group]: value for group, value in found.groupdict().items()}


def _rest_routes(model) -> list[Route]:
    with _lock:
        if model.service_name not in _routes:
            _routes[model.service_name] = [_route(model.operation_model(n)) for n in model.operation_names]
        return _routes[model.service_name]


def _route(operation) -> Route:
    uri_path, _, uri_query = operation.http["requestUri"].partition("?")
    literal_query = {k: v for k, v in parse_qsl(uri_query, keep_blank_values=True) if k != "x-id"}
    labels, regex, greedy = {}, "", 0
    for piece in re.split(r"(\{[^}]+\})", uri_path.rstrip("/")):
        if piece.startswith("{"):
            label = piece[1:-1]
            group = f"g{len(labels)}"
            labels[group] = label.rstrip("+")
            greedy += label.endswith("+")
            regex += f"(?P<{group}>.+)" if label.endswith("+") else f"(?P<{group}>[^/]+)"
        else:
            regex += re.escape(piece)
    shape = operation.input_shape
    required = shape.required_members if shape else []
    members = shape.members if shape else {}
    required_query = [members[m].serialization.get("name", m) for m in required
                      if members[m].serialization.get("location") == "querystring"]
    required_headers = [members[m].serialization.get("name", m) for m in required
                        if members[m].serialization.get("location") == "header"]
    literal_path = len(re.sub(r"\{[^}]+\}", "", uri_path))
    express = any(p.name == "UseS3ExpressControlEndpoint" for p in operation.static_context_parameters)
    rank = (len(literal_query) + len(required_query) + len(required_headers), literal_path, -greedy, not express,
            not operation.deprecated)
    return Route(operation.name, operation.http["method"], re.compile(f"^{regex}/?$"), labels,
                 literal_query, required_query, required_headers, rank)


def _params(model, name: str, request: Request, path: str, labels: dict, body: bytes, form: dict, query: dict) -> dict:
    from moto.core.parse import PROTOCOL_PARSERS
    from moto.core.request import determine_request_protocol

    operation = model.operation_model(name)
    try:
        if path.startswith("/service/") and request.headers.get("smithy-protocol") == "rpc-v2-cbor":
            return _cbor(body)
        protocol = determine_request_protocol(model, request.content_type)
        shape = operation.input_shape
        payload = shape.serialization.get("payload") if shape else None
        if payload and shape.members[payload].type_name in ("blob", "string"):
            body = b""  # an object's or a function's bytes: never parsed, never recorded
        parser = PROTOCOL_PARSERS[protocol](operation)
        return dict(parser.parse({"method": request.method, "values": request.values, "headers": request.headers,
                                  "body": body, "url_path": path, "url_params": labels}))
    except Exception:  # a request moto's parsers cannot read: keep what can be read plainly
        if form:
            return form
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {}
        return {**query, **labels, **(parsed if isinstance(parsed, dict) else {})}


def _cbor(body: bytes) -> dict:
    from botocore.parsers import RpcV2CBORParser

    parser = RpcV2CBORParser()
    parsed = parser.parse_data_item(parser.get_peekable_stream_from_bytes(body)) if body else {}
    return parsed if isinstance(parsed, dict) else {}
