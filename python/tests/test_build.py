"""The in-tree build backend makes a correct pure wheel, and pip installs ./python with no index."""
import base64
import hashlib
import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest

import gradient_lens as gl
from conftest import PYTHON_DIR


def backend():
    spec = importlib.util.spec_from_file_location("gradient_lens_build", os.path.join(PYTHON_DIR, "_build", "gradient_lens_build.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_wheel_holds_the_package_and_a_valid_record(tmp_path):
    build = backend()
    assert build.get_requires_for_build_wheel() == []
    name = build.build_wheel(str(tmp_path))
    assert name == f"gradient_lens-{gl.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(tmp_path / name) as wheel:
        names = wheel.namelist()
        sources = sorted(f for f in os.listdir(os.path.join(PYTHON_DIR, "gradient_lens")) if f.endswith(".py"))
        assert sorted(n.split("/")[1] for n in names if n.startswith("gradient_lens/")) == sources
        assert not [n for n in names if "tests" in n or "__pycache__" in n or "_build" in n]
        dist_info = f"gradient_lens-{gl.__version__}.dist-info"
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        assert f"Version: {gl.__version__}\n" in metadata and "Requires-Dist: numpy\n" in metadata
        assert "Root-Is-Purelib: true" in wheel.read(f"{dist_info}/WHEEL").decode()
        record = [line.split(",") for line in wheel.read(f"{dist_info}/RECORD").decode().splitlines()]
        assert sorted(r[0] for r in record) == sorted(names)
        for path, digest, size in record:
            if path.endswith("RECORD"):
                continue
            data = wheel.read(path)
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={want}", len(data))
    assert build.build_wheel(str(tmp_path / "..")) == name  # reproducible: same bytes twice
    assert (tmp_path / name).read_bytes() == (tmp_path / ".." / name).read_bytes()
    os.remove(tmp_path / ".." / name)


@pytest.mark.skipif(importlib.util.find_spec("pip") is None, reason="this Python has no pip")
def test_pip_installs_it_without_an_index(tmp_path):
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    target = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-cache-dir", "--no-deps", "--quiet",
                             "--target", str(target), PYTHON_DIR], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    probe = "import gradient_lens as gl, sys; print(gl.__version__, gl.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], env=dict(env, PYTHONPATH=str(target)), cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == gl.__version__ and out[1].startswith(str(target))
