"""`hayloft exec [up flags] -- CMD`: a private stack around one command, as CI uses it.

Real clients inside CMD find the stack through the environment alone (boto3, the aws CLI,
awslocal, kubectl); exec exits with CMD's status or dies by CMD's signal, forwards signals, and
leaves no stack process or temporary directory behind.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from harness import HAYLOFT_BIN, SOURCE_DIR, wait_until

PY = sys.executable


def exec_(args, cmd, timeout=120, **kw):
    return subprocess.run([HAYLOFT_BIN, "exec", *args, "--", *cmd], capture_output=True, text=True,
                          timeout=timeout, **kw)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class ExecTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-exec-test-")
        self.env = dict(os.environ, TMPDIR=self.tmp)
        for k in ("AWS_ENDPOINT_URL", "HAYLOFT_ENDPOINT", "KUBECONFIG", "AWS_REGION", "AWS_DEFAULT_REGION"):
            self.env.pop(k, None)
        self.env["AWS_ACCESS_KEY_ID"] = "AKIAREALLOOKINGKEY00"
        self.env["AWS_SECRET_ACCESS_KEY"] = "real-secret"
        self.env["AWS_SESSION_TOKEN"] = "stale-token"

    def tearDown(self):
        leftovers = [p for p in os.listdir(self.tmp) if p.startswith("hayloft-exec-")]
        subprocess.run(["rm", "-rf", self.tmp])
        self.assertEqual(leftovers, [], "exec left its temporary directory behind")

    def script(self, text):
        path = os.path.join(self.tmp, "cmd.py")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_clients_reach_the_stack_through_the_environment(self):
        path = self.script("""
import json, os, subprocess, boto3
s3 = boto3.client("s3")        # no endpoint_url, no credentials in code
s3.create_bucket(Bucket="exec-bucket")
s3.put_object(Bucket="exec-bucket", Key="k", Body=b"hello")
sqs = boto3.client("sqs")
url = sqs.create_queue(QueueName="exec-queue")["QueueUrl"]
cli = subprocess.run(["aws", "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "s3", "ls", "s3://exec-bucket"],
                     capture_output=True, text=True, check=True).stdout
local = subprocess.run(["awslocal", "sqs", "list-queues"], capture_output=True, text=True, check=True).stdout
kube = subprocess.run(["kubectl", "get", "namespaces", "-o", "name"], capture_output=True, text=True, check=True).stdout
print(json.dumps({"env": {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "HAYLOFT_ENDPOINT", "AWS_ACCESS_KEY_ID",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "KUBECONFIG")},
                  "url": url, "cli": cli, "local": local, "kube": kube}))
""")
        r = exec_([], [PY, path], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        out = json.loads(r.stdout.strip().splitlines()[-1])
        env = out["env"]
        self.assertTrue(env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:"))
        self.assertEqual(env["HAYLOFT_ENDPOINT"], env["AWS_ENDPOINT_URL"])
        self.assertEqual((env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]), ("test", "test"))
        self.assertIsNone(env["AWS_SESSION_TOKEN"])
        self.assertEqual((env["AWS_REGION"], env["AWS_DEFAULT_REGION"]), ("us-east-1", "us-east-1"))
        self.assertIn("exec-queue", out["url"])
        self.assertIn(" k", out["cli"])
        self.assertIn("exec-queue", out["local"])
        self.assertIn("namespace/default", out["kube"])
        port = int(env["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
        self.assertFalse(port_open(port), "the stack still listens after exec returned")

    def test_region_and_up_flags_pass_through(self):
        manifest = os.path.join(SOURCE_DIR, "examples", "keda-haystack", "kubernetes", "deployment-consumer.yaml")
        path = self.script("""
import json, os, urllib.request
ep = os.environ["HAYLOFT_ENDPOINT"]
req = urllib.request.Request(ep + "/_hayloft/clock", data=b'{"advance": "90s"}', method="POST",
                             headers={"Content-Type": "application/json"})
clock = json.loads(urllib.request.urlopen(req).read())
deps = json.loads(urllib.request.urlopen(ep + "/_hayloft/get?kind=deployment&namespace=indexing").read())
print(json.dumps({"clock": clock, "deps": deps, "region": os.environ["AWS_REGION"]}))
""")
        env = dict(self.env, AWS_DEFAULT_REGION="eu-central-1")
        r = exec_(["--clock", "manual", "--apply", manifest, "--apply-namespace", "indexing"], [PY, path], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("indexing-consumer", r.stdout)
        self.assertIn("eu-central-1", r.stdout)

    def test_exit_status_is_the_commands(self):
        self.assertEqual(exec_([], ["sh", "-c", "exit 7"], env=self.env).returncode, 7)
        self.assertEqual(exec_([], ["true"], env=self.env).returncode, 0)

    def test_a_command_killed_by_a_signal_ends_exec_by_that_signal(self):
        r = exec_([], ["sh", "-c", "echo ${AWS_ENDPOINT_URL##*:} > port; kill -TERM $$"], env=self.env, cwd=self.tmp)
        self.assertEqual(r.returncode, -signal.SIGTERM)
        with open(os.path.join(self.tmp, "port")) as f:
            port = int(f.read())
        os.unlink(os.path.join(self.tmp, "port"))
        self.assertFalse(port_open(port))

    def test_signals_sent_to_exec_reach_the_command(self):
        marker = os.path.join(self.tmp, "got-term")
        path = self.script(f"""
import signal, sys, time
def on_term(*_):
    open({marker!r}, "w").write("TERM")
    sys.exit(3)
signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
time.sleep(60)
""")
        p = subprocess.Popen([HAYLOFT_BIN, "exec", "--", PY, path], stdout=subprocess.PIPE, text=True, env=self.env)
        self.assertEqual(p.stdout.readline().strip(), "ready")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=30), 3)
        p.stdout.close()
        with open(marker) as f:
            self.assertEqual(f.read(), "TERM")
        os.unlink(marker)

    def test_a_stack_that_cannot_start_says_why(self):
        r = exec_(["--bootstrap", os.path.join(self.tmp, "missing")], ["true"], env=self.env)
        self.assertEqual(r.returncode, 125)
        self.assertIn("the stack exited during start-up", r.stderr)
        self.assertIn("--bootstrap: no such file or directory", r.stderr)

    def test_a_stack_that_dies_mid_command_is_reported(self):
        r = exec_([], ["sh", "-c", 'pkill -KILL -f -- "$(dirname "$KUBECONFIG")/port"; sleep 0.5; exit 4'],
                  env=self.env)
        self.assertEqual(r.returncode, 4)
        self.assertIn("the stack died while the command ran", r.stderr)

    def test_command_not_found_and_usage(self):
        r = exec_([], ["no-such-command-hayloft"], env=self.env)
        self.assertEqual(r.returncode, 127)
        self.assertIn("no-such-command-hayloft", r.stderr)
        r = subprocess.run([HAYLOFT_BIN, "exec", "true"], capture_output=True, text=True, env=self.env)
        self.assertEqual(r.returncode, 2)
        self.assertIn('"--" is required', r.stderr)

    def test_bootstrap_scripts_finish_before_the_command(self):
        init = os.path.join(self.tmp, "init")
        os.makedirs(init)
        with open(os.path.join(init, "01.sh"), "w") as f:
            f.write("sleep 0.3\nawslocal sqs create-queue --queue-name from-init >/dev/null\n")
        r = exec_(["--bootstrap", init], ["sh", "-c", "awslocal sqs get-queue-url --queue-name from-init"],
                  env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("from-init", r.stdout)


if __name__ == "__main__":
    unittest.main()
