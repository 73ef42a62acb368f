"""examples/train_tiny.py writes a complete run that a fresh clone can produce."""
import os
import runpy
import subprocess
import sys

import pytest

from conftest import PYTHON_DIR
from helpers import load_step, read_manifest

pytest.importorskip("torch")
EXAMPLE = os.path.join(os.path.dirname(PYTHON_DIR), "examples", "train_tiny.py")


def test_train_tiny_writes_runs_tiny(tmp_path, monkeypatch, capsys):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the example finds python/ itself
    result = subprocess.run([sys.executable, EXAMPLE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    header, *steps = read_manifest(tmp_path / "runs" / "tiny")
    assert header["classes"] == ["circle", "square", "triangle"]
    assert [s["step"] for s in steps] == list(range(50))
    assert [p["name"] for p in steps[0]["params"]] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    # it learns: the mean logged loss of the last ten steps is well below that of the first ten
    first, last = (sum(s["loss"] for s in part) / 10 for part in (steps[:10], steps[-10:]))
    assert first > 0.8 and last < 0.6 * first
    step = load_step(tmp_path / "runs" / "tiny", steps[-1])
    assert step["logits"].shape == (32, 3) and step["labels"].shape == (32,)
    assert sorted(k for k in step if k.startswith("grad.")) == ["grad.0.bias", "grad.0.weight", "grad.2.bias", "grad.2.weight"]

    # deterministic: run again in this process (torch is loaded already), 10 steps into another folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [EXAMPLE, "second", "--steps", "10"])
    runpy.run_path(EXAMPLE, run_name="__main__")
    repeat = read_manifest(tmp_path / "second")[1:]
    assert [(s["loss"], s["params"]) for s in repeat] == [(s["loss"], s["params"]) for s in steps[:10]]
