"""The package never imports torch itself: NumPy arrays and lists work in a process without it."""
import json
import subprocess
import sys

import numpy as np

from conftest import PYTHON_DIR

SCRIPT = """
import sys
sys.modules["torch"] = None  # any `import torch` now raises ImportError, as if it were not installed
import numpy as np, gradient_lens as gl
with gl.Run(sys.argv[1], classes=["a", "b"]) as run:
    run.log(0, logits=np.array([[2.0, -1.0], [0.5, 0.25]]), labels=[0, 1], loss=0.5)
    run.log(1, probabilities=[[0.9, 0.1]], targets=[[1.0, 0.0]])
gl.save(sys.argv[2], logits=[[1.0, 3.0]], labels=[1], classes=["a", "b"])
print(sorted(name for name in sys.modules if name.split(".")[0] == "torch"))
"""


def test_runs_and_snapshots_need_only_numpy(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "run"), str(tmp_path / "one.npz")],
                            env={"PYTHONPATH": PYTHON_DIR, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['torch']"  # only our None placeholder: nothing loaded from torch
    lines = (tmp_path / "run" / "run.jsonl").read_text().splitlines()
    assert [json.loads(line).get("step") for line in lines] == [None, 0, 1]
    assert json.loads(lines[1])["params"] == [] and json.loads(lines[1])["loss"] == 0.5
    with np.load(tmp_path / "run" / "steps" / "step-00000000.npz") as z:
        assert z["logits"].tolist() == [[2.0, -1.0], [0.5, 0.25]] and z["labels"].dtype == np.int64
    with np.load(tmp_path / "one.npz") as z:
        assert z["labels"].tolist() == [1] and z["classes"].tolist() == ["a", "b"]


def test_a_model_must_yield_torch_parameters(tmp_path):
    import pytest

    import gradient_lens as gl

    class NotAModule:
        def named_parameters(self):
            yield "w", np.zeros(3)

    with gl.Run(tmp_path / "r", model=NotAModule()) as run:
        with pytest.raises(TypeError, match="must yield torch tensors; w is a ndarray"):
            run.log(0, logits=[[1.0, 2.0]])
