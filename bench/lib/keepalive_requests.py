"""N requests of one kind on one keep-alive connection, for the instruction and syscall counts.
usage: keepalive_requests.py PORT get|put N"""
import http.client
import sys

port, kind, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
body = b"x" * 4096
for i in range(n):
    if kind == "get":
        conn.request("GET", "/bench/obj4k")
    else:
        conn.request("PUT", f"/bench/put-{i}", body=body, headers={"Content-Type": "application/octet-stream"})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"{kind} {i}: HTTP {r.status}")
