"""Serves moto (the WSGI app of moto 5.2.1's moto_server) on loopback, patched and recorded.

    python3 tools/rehearse/moto/launcher.py --port PORT --record FILE [--host 127.0.0.1] [--no-check]

Before serving, it proves and applies the patches of patches.py (patches.apply(check=True): the same
probes as `patches.py --check`; it exits 3 when one fails, 1 being left to Python). Then it serves
DomainDispatcherApplication(create_backend_app), threaded, behind recorder.Recorder, prints
`moto: ready on http://HOST:PORT` once the socket accepts connections (PORT 0 picks a free port,
printed there), and stops cleanly on SIGTERM or SIGINT. Like moto_server it sets MOTO_PORT when the
caller has not; every other moto setting comes from the caller's environment. No access line is
logged per request; errors go to stderr.
"""

import argparse
import logging
import os
import signal
import sys
import threading

import patches
from recorder import Recorder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True, help="file the calls are appended to, one JSON line each")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-check", action="store_true", help="apply the patches without proving them")
    args = parser.parse_args(argv)

    failures = patches.apply(check=not args.no_check)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 3

    from werkzeug.serving import WSGIRequestHandler, make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            pass

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = DomainDispatcherApplication(create_backend_app)
    recorder = Recorder(app, args.record)
    server = make_server(args.host, args.port, recorder, threaded=True, request_handler=QuietHandler)
    port = server.server_address[1]
    os.environ.setdefault("MOTO_PORT", str(port))

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"moto: ready on http://{args.host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        recorder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
