"""The real kubectl (1.32, /usr/bin/kubectl) against hayloft's Kubernetes API, with a kubeconfig
from `hayloft kubeconfig`: the reference walkthrough's commands verbatim, and what kubectl prints
for them (columns, messages, exit codes) as a real cluster prints it."""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import HAYLOFT_BIN, SOURCE_DIR, Hayloft, wait_until  # noqa: E402

KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")
WALKTHROUGH = os.path.join(SOURCE_DIR, "examples", "keda-haystack")  # ./kubernetes/... as the README uses it
TIME_SCALE = 30  # KEDA polls every 1 s, the HPA syncs every 0.5 s



@unittest.skipUnless(os.path.exists(KUBECTL), "kubectl is not installed")
class KubectlTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-kubectl-")
        config = os.path.join(self.tmp, "hayloft.yaml")
        with open(config, "w") as f:
            f.write("images:\n  arzelaascoli/keda-haystack-consumer:latest: hayloft/echo\n")
        self.hayloft = Hayloft("--in-memory", "--time-scale", str(TIME_SCALE), "--config", config).start()
        self.addCleanup(self.hayloft.cleanup)
        self.addCleanup(self.hayloft.stop)
        self.kubeconfig = os.path.join(self.tmp, "kubeconfig")
        out = subprocess.run([HAYLOFT_BIN, "--endpoint", self.hayloft.endpoint, "kubeconfig"], capture_output=True,
                             text=True, check=True).stdout
        with open(self.kubeconfig, "w") as f:
            f.write(out)
        self.env = dict(os.environ, KUBECONFIG=self.kubeconfig, HOME=self.tmp)

    def kubectl(self, *args, check=True, timeout=60):
        p = subprocess.run([KUBECTL] + list(args), capture_output=True, text=True, env=self.env, cwd=WALKTHROUGH,
                           timeout=timeout)
        if check and p.returncode != 0:
            self.fail("kubectl %s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p


class KubectlWalkthroughTest(KubectlTestCase):
    """The reference README's kubectl steps, word for word, in order."""

    def test_reference_walkthrough(self):
        sqs = self.hayloft.client("sqs")
        queue_url = sqs.create_queue(QueueName="test-queue", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]

        self.assertEqual(self.kubectl("create", "namespace", "indexing").stdout, "namespace/indexing created\n")
        p = self.kubectl("apply", "-f", "./kubernetes/deployment-consumer.yaml", "--namespace", "indexing")
        self.assertEqual(p.stdout, "deployment.apps/indexing-consumer created\n")
        p = self.kubectl("scale", "deployment", "indexing-consumer", "--namespace=indexing", "--replicas=1")
        self.assertEqual(p.stdout, "deployment.apps/indexing-consumer scaled\n")

        def running():
            out = self.kubectl("get", "pods", "-n", "indexing").stdout
            return out if re.search(r"^indexing-consumer-\w+-\w{5}\s+1/1\s+Running\s+0\s+\w+$", out, re.M) else None
        out = wait_until(running, 30, "a running pod")
        self.assertEqual(out.splitlines()[0].split(), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])

        # Bounded: a followed log ends only when the container stops.
        try:
            logs = self.kubectl("logs", "-f", "deployment/indexing-consumer", "-c", "indexing-consumer", "-n", "indexing",
                                timeout=3)
            log_text = logs.stdout
        except subprocess.TimeoutExpired as e:
            log_text = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        self.assertIn("started indexing-consumer-", log_text)
        self.assertIn("AWS_REGION=eu-central-1", log_text)

        p = self.kubectl("apply", "-f", "./kubernetes/keda", "--namespace", "indexing")
        self.assertEqual(sorted(p.stdout.splitlines()), [
            "scaledobject.keda.sh/indexing-consumer-scaled-object created",
            "secret/aws-secrets created",
            "triggerauthentication.keda.sh/keda-trigger-auth-aws-credentials created"])

        out = self.kubectl("get", "scaledobject,hpa", "-n", "indexing").stdout
        self.assertRegex(out, r"NAME\s+SCALETARGETKIND\s+SCALETARGETNAME\s+MIN\s+MAX\s+TRIGGERS\s+AUTHENTICATION\s+READY\s+ACTIVE\s+FALLBACK\s+PAUSED\s+AGE")
        self.assertRegex(out, r"scaledobject.keda.sh/indexing-consumer-scaled-object\s+apps/v1.Deployment\s+indexing-consumer\s+0\s+2\s+aws-sqs-queue\s+keda-trigger-auth-aws-credentials")
        self.assertRegex(out, r"NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE")
        self.assertRegex(out, r"horizontalpodautoscaler.autoscaling/keda-hpa-indexing-consumer-scaled-object\s+Deployment/indexing-consumer\s+\S+/10 \(avg\)\s+1\s+2")

        out = self.kubectl("describe", "deployment", "indexing-consumer", "-n", "indexing").stdout
        self.assertRegex(out, r"Name:\s+indexing-consumer\nNamespace:\s+indexing\n")
        self.assertRegex(out, r"Replicas:\s+\d+ desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable")
        self.assertRegex(out, r"NewReplicaSet:\s+indexing-consumer-\w+ \(\d+/\d+ replicas created\)")
        self.assertRegex(out, r"Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set indexing-consumer-\w+ to 1 from 0")

        p = self.kubectl("wait", "--for=condition=Available", "deployment/indexing-consumer", "-n", "indexing", "--timeout=60s")
        self.assertEqual(p.stdout, "deployment.apps/indexing-consumer condition met\n")

        # KEDA takes the idle Deployment to zero; messages bring it back, and the watch shows the pods.
        wait_until(lambda: "No resources found" in self.kubectl("get", "pods", "-n", "indexing").stderr, 30, "zero pods")
        watch = subprocess.Popen([KUBECTL, "get", "pods", "-n", "indexing", "-w"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=self.env)
        try:
            time.sleep(1)
            for i in range(25):
                sqs.send_message(QueueUrl=queue_url, MessageBody="doc-%02d.txt" % i)
            seen = set()
            deadline = time.time() + 60
            while len(seen) < 2 and time.time() < deadline:
                line = watch.stdout.readline()
                m = re.match(r"^(indexing-consumer-\w+-\w{5})\s+1/1\s+Running", line)
                if m:
                    seen.add(m.group(1))
            self.assertEqual(len(seen), 2, "the watch showed %s" % seen)
        finally:
            watch.terminate()
            watch.wait(timeout=10)

        p = self.kubectl("delete", "-f", "./kubernetes/keda", "--namespace", "indexing")
        self.assertIn('scaledobject.keda.sh "indexing-consumer-scaled-object" deleted', p.stdout)
        p = self.kubectl("delete", "-f", "./kubernetes/deployment-consumer.yaml", "--namespace", "indexing")
        self.assertEqual(p.stdout, 'deployment.apps "indexing-consumer" deleted\n')
        p = self.kubectl("get", "all", "-n", "indexing")
        self.assertEqual(p.stderr, "No resources found in indexing namespace.\n")


class KubectlErrorsTest(KubectlTestCase):
    """Errors print as kubectl prints a real API server's Status, with exit code 1."""

    def test_messages_and_exit_codes(self):
        p = self.kubectl("get", "deployment", "nope", "-n", "default", check=False)
        self.assertEqual((p.returncode, p.stderr), (1, 'Error from server (NotFound): deployments.apps "nope" not found\n'))
        self.kubectl("create", "namespace", "indexing")
        p = self.kubectl("create", "namespace", "indexing", check=False)
        self.assertEqual((p.returncode, p.stderr), (1, 'Error from server (AlreadyExists): namespaces "indexing" already exists\n'))
        p = self.kubectl("get", "persistentvolumeclaims", check=False)  # not served
        self.assertEqual(p.returncode, 1)
        self.assertIn('the server doesn\'t have a resource type "persistentvolumeclaims"', p.stderr)
        # kubectl 1.32's scale wraps the NotFound it got in its own message.
        p = self.kubectl("scale", "deployment", "nope", "--replicas=1", check=False)
        self.assertEqual((p.returncode, p.stderr), (1, 'error: no objects passed to scale deployments.apps "nope" not found\n'))
        p = self.kubectl("exec", "nope", "--", "true", check=False)
        self.assertEqual(p.returncode, 1)
        out = self.kubectl("get", "nodes").stdout
        self.assertRegex(out, r"NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nhayloft\s+Ready\s+control-plane\s+\S+\s+v1\.32\.")
        out = self.kubectl("get", "crd").stdout
        self.assertIn("scaledobjects.keda.sh", out)


class KubeconfigMergeTest(unittest.TestCase):
    def test_merge_keeps_other_contexts(self):
        tmp = tempfile.mkdtemp(prefix="hayloft-kubeconfig-")
        path = os.path.join(tmp, "config")
        with open(path, "w") as f:
            f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: k3d-dev\n  cluster: {server: 'https://127.0.0.1:6443'}\n"
                    "users:\n- name: dev\n  user: {token: x}\ncontexts:\n- name: k3d-dev\n  context: {cluster: k3d-dev, user: dev}\n"
                    "current-context: k3d-dev\n")
        env = dict(os.environ, KUBECONFIG=path, HOME=tmp)
        subprocess.run([HAYLOFT_BIN, "--endpoint", "http://127.0.0.1:4566", "kubeconfig", "merge", "--switch-context"], env=env,
                       check=True, capture_output=True)
        if os.path.exists(KUBECTL):
            out = subprocess.run([KUBECTL, "config", "get-contexts", "-o", "name"], env=env, capture_output=True, text=True).stdout
            self.assertEqual(sorted(out.split()), ["hayloft", "k3d-dev"])
            cur = subprocess.run([KUBECTL, "config", "current-context"], env=env, capture_output=True, text=True).stdout
            self.assertEqual(cur.strip(), "hayloft")


if __name__ == "__main__":
    unittest.main()
