"""pytest fixtures for hayloft. Loaded automatically once the package is installed
(`pip install ./clients/python`), or with `-p hayloft.pytest_plugin`.

Fixtures:
    hayloft          the stack for this test: started once per session (per xdist worker) from the
                     binary on PATH or $HAYLOFT_BIN, or reached at --hayloft-endpoint /
                     $HAYLOFT_ENDPOINT. Honours the test's `hayloft` mark. Not reset.
    hayloft_clean    the same stack, reset before the test (or set to the mark's snapshot), with the
                     mark's manifests applied.
    hayloft_session  the session's default stack, for session-scoped fixtures of your own.

Mark:
    @pytest.mark.hayloft(clock="manual", apply=["k8s/"], namespace="indexing", flags=[...],
                         snapshot="seeded")
    Tests whose mark asks for other start flags (clock, flags) share one stack per distinct set
    of flags, started on first use and stopped at the end of the session. With `snapshot`,
    hayloft_clean restores that snapshot instead of resetting (milliseconds, whatever its size);
    save it once, e.g. in a session fixture: `hayloft_session.snapshot("seeded")`.

Options: --hayloft-endpoint URL, --hayloft-bin PATH, and the ini value `hayloft_flags`
(default flags of every stack, e.g. `--embedder hash`).
"""
import os
import shlex

import pytest

from hayloft import HayloftError, Stack


def pytest_addoption(parser):
    group = parser.getgroup("hayloft")
    group.addoption("--hayloft-endpoint", default=os.environ.get("HAYLOFT_ENDPOINT"),
                    help="reuse a running hayloft instead of starting one (default $HAYLOFT_ENDPOINT)")
    group.addoption("--hayloft-bin", default=None, help="the hayloft binary (default $HAYLOFT_BIN or PATH)")
    parser.addini("hayloft_flags", "flags for every `hayloft up` the plugin starts", default="")


def pytest_configure(config):
    config.addinivalue_line("markers", "hayloft(clock=None, apply=None, namespace=None, flags=None, snapshot=None): "
                                       "how this test's hayloft stack is started and seeded")


class _Stacks:
    """The session's stacks, one per distinct set of start flags."""

    def __init__(self, config):
        self.config = config
        self.endpoint = config.getoption("--hayloft-endpoint")
        self.binary = config.getoption("--hayloft-bin")
        self.base_flags = shlex.split(config.getini("hayloft_flags") or "")
        self.by_flags = {}

    def flags_for(self, mark):
        flags = list(self.base_flags)
        if mark is not None:
            clock = mark.kwargs.get("clock")
            if clock:
                flags += ["--clock", clock]
            flags += list(mark.kwargs.get("flags") or [])
        return tuple(flags)

    def get(self, mark=None):
        flags = self.flags_for(mark)
        if flags in self.by_flags:
            stack = self.by_flags[flags]
            if not stack.alive():
                raise HayloftError(f"the hayloft stack died earlier in this session (exit code "
                                   f"{stack._process.returncode}); its log ends with:\n{stack.log_tail()}")
            return stack
        if self.endpoint:
            stack = Stack.connect(self.endpoint)
            wanted = mark.kwargs.get("clock") if mark is not None else None
            if wanted:
                kind = stack.health().get("clock", {}).get("kind")
                if kind != wanted:
                    raise HayloftError(f"this test needs a hayloft with --clock {wanted}, but the one at "
                                       f"{self.endpoint} runs the {kind} clock")
            if mark is not None and mark.kwargs.get("flags"):
                raise HayloftError(f"this test asks for hayloft flags {mark.kwargs['flags']}, which a running "
                                   f"hayloft ({self.endpoint}) cannot take; run without --hayloft-endpoint")
        else:
            stack = Stack.start(flags=flags, binary=self.binary)
        self.by_flags[flags] = stack
        return stack

    def stop_all(self):
        for stack in self.by_flags.values():
            stack.stop()
        self.by_flags.clear()


@pytest.fixture(scope="session")
def _hayloft_stacks(request):
    stacks = _Stacks(request.config)
    yield stacks
    stacks.stop_all()


def _stack_or_fail(stacks, mark):
    try:
        return stacks.get(mark)
    except HayloftError as e:
        error = e
    pytest.fail(f"hayloft: {error}", pytrace=False)


@pytest.fixture(scope="session")
def hayloft_session(_hayloft_stacks):
    return _stack_or_fail(_hayloft_stacks, None)


@pytest.fixture
def hayloft(request, _hayloft_stacks):
    return _stack_or_fail(_hayloft_stacks, request.node.get_closest_marker("hayloft"))


@pytest.fixture
def hayloft_clean(request, hayloft):
    mark = request.node.get_closest_marker("hayloft")
    try:
        snapshot = mark.kwargs.get("snapshot") if mark is not None else None
        if snapshot:
            hayloft.restore(snapshot)
        else:
            hayloft.reset()
        if mark is not None:
            for manifests in mark.kwargs.get("apply") or []:
                hayloft.apply(manifests, namespace=mark.kwargs.get("namespace"))
    except HayloftError as e:
        error = e
    else:
        return hayloft
    pytest.fail(f"hayloft: {error}", pytrace=False)
