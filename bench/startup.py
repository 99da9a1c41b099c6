"""Start-up time and idle memory: hayloft against moto_server, side by side.

For each of N runs: start the server on a free port, poll its health URL every millisecond until
it answers, and record the time from exec to the first answer; then read the process's RSS
(VmRSS) after it has sat idle for a second. Prints min/median/max per server and the ratio of
medians.  Usage: python3 bench/startup.py [RUNS]"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAYLOFT = os.environ.get("HAYLOFT_BIN", os.path.join(ROOT, "build", "bin", "hayloft"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def measure(cmd, url_fmt):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([c.format(port=port) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = url_fmt.format(port=port)
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except Exception:
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("no answer from " + url)
            time.sleep(0.001)
    ready_ms = (time.perf_counter() - t0) * 1000
    time.sleep(1.0)
    rss_kib = int(next(l for l in open("/proc/%d/status" % proc.pid) if l.startswith("VmRSS")).split()[1])
    proc.terminate()
    proc.wait(timeout=30)
    return ready_ms, rss_kib / 1024


def main():
    with tempfile.TemporaryDirectory() as d:
        servers = {
            "hayloft": ([HAYLOFT, "up", "--port", "{port}", "--data-dir", d + "/h{port}", "--log-level", "warn"],
                        "http://127.0.0.1:{port}/_hayloft/health"),
            "moto_server": (["moto_server", "-H", "127.0.0.1", "-p", "{port}"], "http://127.0.0.1:{port}/moto-api/"),
        }
        results = {name: [] for name in servers}
        for _ in range(RUNS):
            for name, (cmd, url) in servers.items():
                results[name].append(measure(cmd, url))
    print("%-12s %28s %28s" % ("server", "ready ms (min/med/max)", "idle RSS MiB (min/med/max)"))
    med = {}
    for name, rows in results.items():
        ready = sorted(r[0] for r in rows)
        rss = sorted(r[1] for r in rows)
        med[name] = (statistics.median(ready), statistics.median(rss))
        print("%-12s %9.1f %8.1f %8.1f %9.1f %8.1f %8.1f" % (name, ready[0], med[name][0], ready[-1], rss[0], med[name][1], rss[-1]))
    print("moto/hayloft: start-up %.0fx slower, %.1fx the memory" % (med["moto_server"][0] / med["hayloft"][0],
                                                                    med["moto_server"][1] / med["hayloft"][1]))


if __name__ == "__main__":
    main()
