"""A WSGI middleware around moto's app that records every AWS call it serves, one JSON line each
(and one more line per call AWS would make or authorize on the caller's behalf, with implied_by).

    {"time", "key", "principal", "region", "service", "operation", "action", "resources", "context",
     "params", "status", "error", "implied_by"}

The request body is read once and handed on to moto unchanged as a fresh stream. Lines are written
under a lock and flushed one by one, so that a record file is whole at any moment.
"""

import http
import io
import json
import re
import sys
import threading
import traceback
from datetime import datetime, timezone

import iam_actions
import moto_state
import operations
from implied import implied
from redact import redact
from resources import Where, context, resources


class Recorder:
    def __init__(self, app, path: str):
        self.app = app
        self.file = open(path, "a", buffering=1, encoding="utf-8")
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            self.file.close()

    def __call__(self, environ, start_response):
        time = _now()
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        call, before = self._understand(environ, body)
        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), headers
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, capture)
        except Exception:
            self._record(time, call, before, 500, "InternalFailure")
            raise
        if "status" not in answer or answer["status"] >= 400:
            chunks = _drain(result)
            status = answer.get("status", 500)
            self._record(time, call, before, status, _error_code(status, answer.get("headers", []), b"".join(chunks)))
            return chunks
        self._record(time, call, before, answer["status"], None)
        return result

    def _understand(self, environ, body):
        """The call, and its resources as moto's state gives them before it serves the call."""
        try:
            call = operations.resolve(environ, body)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return operations.Call(), None
        try:
            return call, _main(call)["resources"]
        except Exception:
            return call, None

    def _record(self, time, call, before, status, error) -> None:
        try:
            main = _main(call)
            if main["resources"] is None:  # a delete: its target is known only from before
                main["resources"] = before
            extra = implied(call.service, call.operation, call.params, _where(call)) if call.operation else []
        except Exception:
            traceback.print_exc(file=sys.stderr)
            main, extra = {"service": call.signing_service, "operation": call.operation, "action": None,
                           "resources": None, "context": {}, "params": {}}, []
        common = {"time": time, "key": call.key, "principal": _principal(call.key), "region": call.region}
        lines = [{**common, **main, "status": status, "error": error, "implied_by": None}]
        for record in extra:
            record["context"] = {**_base_context(call), **record["context"]}
            record["params"] = redact(record["params"])
            lines.append({**common, **record, "status": status, "error": error, "implied_by": call.operation})
        text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
        with self.lock:
            self.file.write(text)
            self.file.flush()


def _where(call) -> Where:
    return Where(call.region, moto_state.account(call.key))


def _prefix(call) -> str | None:
    if call.service is None:
        return call.signing_service
    return iam_actions.PREFIXES.get(call.service, call.service)


def _main(call) -> dict:
    action = iam_actions.action_for(call.service, call.operation, call.params) if call.service and call.operation else None
    prefix = _prefix(call)
    found = resources(prefix, call.operation, action, call.params, _where(call)) if action else None
    keys = context(prefix, call.operation or "", call.params, _where(call), call.region) if prefix else {}
    # aws:ResourceTag/<key>: AWS evaluates a policy's tag conditions on the resource's tags.
    for key, value in moto_state.resource_tags(found or [], _where(call)).items():
        keys.setdefault(f"aws:ResourceTag/{key}", value)
    return {
        "service": call.signing_service or (call.service if call.operation else None),
        "operation": call.operation,
        "action": action,
        "resources": found,
        "context": keys,
        "params": redact(call.params),
    }


def _base_context(call) -> dict:
    return context("", "", {}, _where(call), call.region)


def _principal(key):
    try:
        return moto_state.principal(key)
    except Exception:
        return None


def _now() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _read_body(environ) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit():
        remaining, parts = int(length), []
        while remaining > 0:
            part = stream.read(min(remaining, 1 << 20))
            if not part:
                break
            parts.append(part)
            remaining -= len(part)
        return b"".join(parts)
    if environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return stream.read()
    return b""


def _drain(result) -> list[bytes]:
    try:
        return [bytes(chunk) for chunk in result]
    finally:
        if hasattr(result, "close"):
            result.close()


def _error_code(status: int, headers, body: bytes) -> str:
    named = {k.lower(): v for k, v in headers}
    if named.get("x-amzn-query-error"):
        return named["x-amzn-query-error"].split(";")[0]
    if named.get("x-amzn-errortype"):
        return named["x-amzn-errortype"].split(":")[0]
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
        code = parsed.get("__type") or parsed.get("code") or parsed.get("Code")
        if code:
            return str(code).rpartition("#")[2]
    except (ValueError, AttributeError):
        pass
    match = re.search(r"<Code>([^<]+)</Code>", text)
    if match:
        return match.group(1)
    try:
        return http.HTTPStatus(status).phrase.replace(" ", "")
    except ValueError:
        return str(status)
