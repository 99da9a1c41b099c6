"""A PEP 517 build backend in the standard library, for this one pure-Python package: it needs
nothing from a package index, so `pip install ./clients/python` works offline. It writes a
py3-none-any wheel of the `hayloft/` folder with its metadata and the pytest11 entry point."""
import base64
import hashlib
import os
import zipfile

NAME = "hayloft"
VERSION = "0.1.0"
SUMMARY = "Start and drive a hayloft stack (S3, SQS, Kubernetes/KEDA) from Python test suites"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST_INFO = f"{NAME}-{VERSION}.dist-info"


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\nSummary: {SUMMARY}\n"
            "Requires-Python: >=3.9\n")


def _files():
    out = {}
    pkg = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py"):
            with open(os.path.join(pkg, name), "rb") as f:
                out[f"{NAME}/{name}"] = f.read()
    out[f"{DIST_INFO}/METADATA"] = _metadata().encode()
    out[f"{DIST_INFO}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: hayloft-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    out[f"{DIST_INFO}/entry_points.txt"] = b"[pytest11]\nhayloft = hayloft.pytest_plugin\n"
    return out


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(d, exist_ok=True)
    for path, data in _files().items():
        if path.startswith(DIST_INFO + "/"):
            with open(os.path.join(metadata_directory, path), "wb") as f:
                f.write(data)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel = f"{NAME}-{VERSION}-py3-none-any.whl"
    files = _files()
    record = "".join(_record_line(p, d) for p, d in files.items()) + f"{DIST_INFO}/RECORD,,\n"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            z.writestr(path, data)
        z.writestr(f"{DIST_INFO}/RECORD", record)
    return wheel
