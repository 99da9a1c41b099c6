"""The pytest plugin (clients/python), run as users run it: inner pytest sessions via pytester,
each starting real hayloft stacks from $HAYLOFT_BIN."""
import json
import os
import sys

import pytest

from hayloft import HayloftError, Stack

pytest_plugins = ["pytester"]
HAYLOFT_BIN = os.environ["HAYLOFT_BIN"]


@pytest.fixture
def run(pytester, monkeypatch):
    monkeypatch.setenv("HAYLOFT_BIN", HAYLOFT_BIN)
    monkeypatch.delenv("HAYLOFT_ENDPOINT", raising=False)
    pytester.makeini("[pytest]\nhayloft_flags = --embedder hash\n")

    def go(source, *args):
        pytester.makepyfile(source)
        return pytester.runpytest_subprocess("-p", "hayloft.pytest_plugin", *args)
    return go


def test_clean_stack_per_test_with_boto3_clients(run):
    r = run("""
        def test_first(hayloft_clean):
            s3 = hayloft_clean.s3()
            s3.create_bucket(Bucket="first-bucket")
            hayloft_clean.sqs().create_queue(QueueName="first-queue")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["first-bucket"]

        def test_second_sees_nothing_of_the_first(hayloft_clean):
            assert hayloft_clean.s3().list_buckets()["Buckets"] == []
            assert "QueueUrls" not in hayloft_clean.sqs().list_queues()

        def test_same_stack_for_the_session(hayloft, hayloft_session):
            assert hayloft is hayloft_session and hayloft.owned
    """)
    r.assert_outcomes(passed=3)


def test_mark_starts_a_manual_clock_stack_and_applies_manifests(run):
    r = run("""
        import pytest
        DEPLOY = '''
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: hayloft/echo}]}
        '''

        @pytest.mark.hayloft(clock="manual", apply=[DEPLOY], namespace="shop")
        def test_manual(hayloft_clean):
            assert hayloft_clean.health()["clock"]["kind"] == "manual"
            before = hayloft_clean.clock.now()["unix_ms"]
            hayloft_clean.clock.advance("5m")
            assert hayloft_clean.clock.now()["unix_ms"] - before == 300000
            assert hayloft_clean.replicas("web", namespace="shop") == 2

        def test_default_stack_is_another(hayloft, hayloft_session):
            assert hayloft.health()["clock"]["kind"] != "manual"
    """)
    r.assert_outcomes(passed=2)


def test_missing_binary_says_what_to_do(run, monkeypatch):
    monkeypatch.setenv("HAYLOFT_BIN", "/nonexistent/hayloft")
    r = run("""
        def test_needs_a_stack(hayloft):
            pass
    """)
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(["*hayloft binary '/nonexistent/hayloft' does not exist or is not executable*"])


def test_a_stack_that_cannot_start_shows_its_log(run):
    r = run("""
        import pytest
        @pytest.mark.hayloft(flags=["--bootstrap", "/nonexistent-init"])
        def test_bad_flags(hayloft):
            pass
    """)
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(["*hayloft exited during start-up*", "*--bootstrap: no such file or directory*"])


def test_a_stack_that_dies_mid_test_is_reported(run):
    r = run("""
        def test_dies(hayloft):
            hayloft._process.kill()
            hayloft._process.wait()
            hayloft.reset()

        def test_after(hayloft):
            pass
    """)
    r.assert_outcomes(failed=1, errors=1)
    r.stdout.fnmatch_lines(["*ERROR at setup of test_after*", "*died earlier in this session (exit code -9)*",
                            "*FAILURES*", "*the hayloft stack died (exit code -9)*"])


def test_each_xdist_worker_gets_its_own_stack(run, pytester):
    out = pytester.path / "endpoints"
    out.mkdir()
    r = run(f"""
        import os, pytest
        @pytest.mark.parametrize("i", range(6))
        def test_record(hayloft, i):
            (__import__("pathlib").Path({str(out)!r}) / os.environ["PYTEST_XDIST_WORKER"]).write_text(hayloft.endpoint)
    """, "-n", "2")
    r.assert_outcomes(passed=6)
    endpoints = {p.read_text() for p in out.iterdir()}
    assert len(endpoints) == 2, endpoints


def test_reuses_a_running_stack_and_checks_its_clock(run):
    stack = Stack.start(flags=["--embedder", "hash"], binary=HAYLOFT_BIN)
    try:
        stack.s3().create_bucket(Bucket="outer-bucket")
        r = run("""
            import pytest
            def test_sees_the_outer_stack(hayloft):
                assert not hayloft.owned
                assert [b["Name"] for b in hayloft.s3().list_buckets()["Buckets"]] == ["outer-bucket"]

            @pytest.mark.hayloft(clock="manual")
            def test_needs_manual(hayloft):
                pass
        """, "--hayloft-endpoint", stack.endpoint)
        r.assert_outcomes(passed=1, errors=1)
        r.stdout.fnmatch_lines(["*needs a hayloft with --clock manual*runs the system clock*"])
        assert stack.alive(), "the plugin must not stop a stack it did not start"
    finally:
        stack.stop()


def test_wait_for_and_errors_of_the_api():
    stack = Stack.start(flags=["--embedder", "hash"], binary=HAYLOFT_BIN)
    try:
        assert stack.wait_for(lambda: 42, timeout=1) == 42
        with pytest.raises(AssertionError, match="never"):
            stack.wait_for(lambda: False, timeout=0.1, message="never")
        with pytest.raises(HayloftError, match="no deployment 'absent'|HTTP 404"):
            stack.replicas("absent")
        with pytest.raises(HayloftError, match="neither a manifest file"):
            stack.apply("no-such-file.yaml")
    finally:
        stack.stop()
    with pytest.raises(HayloftError, match="was stopped"):
        stack.health()
    with pytest.raises(HayloftError, match="no hayloft answers at http://127.0.0.1:9"):
        Stack.connect("http://127.0.0.1:9")


def test_installs_offline_and_registers_itself(tmp_path):
    """`pip install ./clients/python` with no package index, then pytest finds the plugin by its
    pytest11 entry point. Uses the first Python on PATH that has pip (the image's)."""
    import shutil
    import subprocess
    python = shutil.which("python3")
    if subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("no pip on PATH's python3")
    source = os.path.join(os.path.dirname(__file__), "..", "..", "..", "clients", "python")
    target = tmp_path / "site"
    r = subprocess.run([python, "-m", "pip", "install", "--no-index", "--no-cache-dir", "--target", str(target),
                        source], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    entry = (next(target.glob("hayloft-*.dist-info")) / "entry_points.txt").read_text()
    assert "[pytest11]" in entry and "hayloft = hayloft.pytest_plugin" in entry
    probe = subprocess.run([python, "-c", "import hayloft; print(hayloft.__version__)"],
                           capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(target)))
    assert probe.stdout.strip() == "0.1.0", probe.stderr


def test_clean_restores_the_marks_snapshot(run):
    r = run("""
        import pytest

        @pytest.fixture(scope="session", autouse=True)
        def seeded(hayloft_session):
            hayloft_session.reset()
            s3 = hayloft_session.s3()
            s3.create_bucket(Bucket="seed")
            s3.put_object(Bucket="seed", Key="big.bin", Body=b"x" * 100_000)
            q = hayloft_session.sqs().create_queue(QueueName="seed-queue")["QueueUrl"]
            hayloft_session.sqs().send_message(QueueUrl=q, MessageBody="hello")
            saved = hayloft_session.snapshot("seeded")
            assert saved["name"] == "seeded" and saved["compatible"]

        @pytest.mark.hayloft(snapshot="seeded")
        @pytest.mark.parametrize("round", [1, 2])
        def test_starts_from_the_seed(hayloft_clean, round):
            s3, sqs = hayloft_clean.s3(), hayloft_clean.sqs()
            assert s3.get_object(Bucket="seed", Key="big.bin")["Body"].read() == b"x" * 100_000
            q = sqs.get_queue_url(QueueName="seed-queue")["QueueUrl"]
            got = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10).get("Messages", [])
            assert [m["Body"] for m in got] == ["hello"]   # consumed by round 1, back for round 2
            s3.delete_object(Bucket="seed", Key="big.bin")
            s3.create_bucket(Bucket=f"made-in-{round}")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == sorted(["seed", f"made-in-{round}"])

        def test_listed(hayloft):
            assert [s["name"] for s in hayloft.snapshots()] == ["seeded"]

        @pytest.mark.hayloft(snapshot="never-saved")
        def test_missing_snapshot(hayloft_clean):
            pass
    """)
    r.assert_outcomes(passed=3, errors=1)
    r.stdout.fnmatch_lines(["*no snapshot named 'never-saved'*save it first*hayloft_session.snapshot('never-saved')*"])
