#!/usr/bin/env python3
"""Prints requests exactly as a real boto3 client sends them, for botocore_vectors_test.cc.

Unlike record_botocore_vectors.py (botocore's signers on hand-built requests), this runs whole
boto3 clients (checksums, x-amzn-query-mode, Expect: 100-continue and all) against a recorder on
127.0.0.1 (port 0), with credentials AKIDREAL / "real/secret+key" and region eu-central-1, and
prints each request with the wall-clock time it was signed at. Paste the output into the test.
Run: python3 tests/emulator/http/auth/record_boto3_client_requests.py
"""
import datetime
import http.server
import socketserver
import threading

import boto3
from botocore.config import Config

captured = []


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _record(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        captured.append((self.command, self.path, list(self.headers.items()), body))
        out = b"{}" if "json" in (self.headers.get("Content-Type") or "") else b"<ok/>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_PUT = do_POST = _record

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True  # the clients keep connections alive; do not wait for them at exit
    block_on_close = False


server = Server(("127.0.0.1", 0), Recorder)
threading.Thread(target=server.serve_forever, daemon=True).start()
endpoint = f"http://127.0.0.1:{server.server_address[1]}"
config = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
common = dict(endpoint_url=endpoint, aws_access_key_id="AKIDREAL", aws_secret_access_key="real/secret+key",
              region_name="eu-central-1", config=config)
s3 = boto3.client("s3", **common)
sqs = boto3.client("sqs", **common)
signed_at = datetime.datetime.now(datetime.timezone.utc)
for call in (
    lambda: s3.put_object(Bucket="test-bucket", Key="dir/hello world+(1).txt", Body=b"hello\n" * 100,
                          ACL="public-read"),
    lambda: s3.delete_objects(Bucket="test-bucket", Delete={"Objects": [{"Key": "a"}, {"Key": "b c"}]}),
    lambda: sqs.get_queue_url(QueueName="test-queue"),
):
    try:
        call()
    except Exception as e:  # the recorder's replies are not real responses
        print("# client error (expected):", type(e).__name__)
server.shutdown()
print(f"# boto3 {boto3.__version__}, signed at {signed_at:%Y-%m-%dT%H:%M:%SZ}")
for method, target, headers, body in captured:
    print(f"{method} {target}")
    for k, v in headers:
        print(f"  {k}: {v}")
    print(f"  body: {body!r}")
