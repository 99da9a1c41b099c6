"""scripts/check-layers: the tree passes, and a deliberately wrong include fails with its place."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.environ.get("HAYLOFT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
CHECK = os.path.join(ROOT, "scripts", "check-layers")
DIRS = ["emulator", "s3", "sqs", "orchestrator", "consumer"]


def run(root):
    return subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)


class LayersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hayloft-layers-")
        for d in DIRS:
            shutil.copytree(os.path.join(ROOT, d), os.path.join(self.tmp, d),
                            ignore=shutil.ignore_patterns("*.md", "*.txt", "*.json", "*.html"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def append(self, rel, text):
        with open(os.path.join(self.tmp, rel), "a") as f:
            f.write(text)

    def test_tree_passes(self):
        r = run(ROOT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("layers: ok", r.stdout)

    def test_domain_module_including_another_fails_with_file_and_line(self):
        self.append("s3/service/engine.h", '#include "sqs/service/service.h"\n')
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        lines = sum(1 for _ in open(os.path.join(self.tmp, "s3/service/engine.h")))
        self.assertIn(f"s3/service/engine.h:{lines}: s3/service includes \"sqs/service/service.h\"", r.stdout)

    def test_upward_include_fails(self):
        self.append("emulator/core/ids.cc", '#include "emulator/app/application.h"\n')
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("emulator/core includes \"emulator/app/application.h\"", r.stdout)

    def test_beast_outside_the_network_layer_fails(self):
        self.append("sqs/service/queue.cc", "#include <boost/beast/http.hpp>\n")
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("sqs/service includes <boost/beast/http.hpp>", r.stdout)

    def test_a_known_exception_that_disappears_must_leave_the_list(self):
        path = os.path.join(self.tmp, "orchestrator/kube/tables.cc")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write("\n".join(l for l in text.splitlines() if '#include "orchestrator/cli/' not in l))
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("known exception orchestrator/kube -> orchestrator/cli is gone", r.stdout)

    def test_store_including_the_wire_layer_fails(self):
        self.append("s3/store/blob_files.cc", '#include "s3/api/errors.h"\n')
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn('s3/store includes "s3/api/errors.h"', r.stdout)

    def test_a_file_outside_every_module_fails(self):
        os.makedirs(os.path.join(self.tmp, "consumer/newthing"))
        self.append("consumer/newthing/x.cc", "int x;\n")
        r = run(self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("consumer/newthing/x.cc: in no module", r.stdout)


if __name__ == "__main__":
    unittest.main()
