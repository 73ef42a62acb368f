import json
import os
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import gradient_lens as gl  # noqa: E402
from helpers import load_step, read_manifest  # noqa: E402


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))


def batches(count, n=10, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(n, 4, generator=g), torch.randint(0, 3, (n,), generator=g)) for _ in range(count)]


def train(model, data, run=None, optimiser=None, after_backward=None):
    optimiser = optimiser or torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for step, (x, y) in enumerate(data):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        optimiser.zero_grad()
        loss.backward()
        if after_backward:
            after_backward(step, logits, y, loss)
        if run is not None:
            run.log(step, logits=logits, labels=y, loss=loss)
        optimiser.step()
    return optimiser


def test_norms_grads_and_batch_match_torch(tmp_path):
    model = tiny_model()
    expected = []

    def remember(step, logits, y, loss):
        expected.append({
            "loss": loss.item(), "logits": logits.detach().numpy().copy(), "labels": y.numpy().copy(),
            "params": [(name, p.grad.double().norm().item(), p.detach().double().norm().item(),
                        p.grad.norm().item(), p.norm().item(), p.grad.numpy().copy()) for name, p in model.named_parameters()],
        })

    with gl.Run(tmp_path / "run", model=model) as run:
        train(model, batches(4), run, after_backward=remember)

    lines = read_manifest(tmp_path / "run")
    assert len(lines) == 1 + 4
    for entry, want in zip(lines[1:], expected):
        assert entry["loss"] == pytest.approx(want["loss"], rel=0, abs=0)  # the float32 loss, exactly
        assert [p["name"] for p in entry["params"]] == ["0.weight", "0.bias", "2.weight", "2.bias"]
        assert [p["shape"] for p in entry["params"]] == [[16, 4], [16], [3, 16], [3]]
        step = load_step(tmp_path / "run", entry)
        np.testing.assert_array_equal(step["logits"], want["logits"])
        assert step["logits"].dtype == np.float32
        np.testing.assert_array_equal(step["labels"], want["labels"])
        assert step["labels"].dtype == np.int64
        assert step["loss"].shape == () and step["loss"].dtype == np.float64
        assert float(step["loss"]) == want["loss"]
        for record, (name, grad64, weight64, grad32, weight32, grad) in zip(entry["params"], want["params"]):
            assert record["hasGrad"] is True
            assert record["gradNorm"] == pytest.approx(grad64, rel=1e-14)
            assert record["weightNorm"] == pytest.approx(weight64, rel=1e-14)
            assert record["gradNorm"] == pytest.approx(grad32, rel=1e-6)   # torch's own float32 norm
            assert record["weightNorm"] == pytest.approx(weight32, rel=1e-6)
            assert record["gradNorm"] > 0
            np.testing.assert_array_equal(step[f"grad.{name}"], grad)
            assert step[f"grad.{name}"].dtype == np.float32
            # the stored gradient's own float64 norm is the logged one
            assert np.linalg.norm(step[f"grad.{name}"].astype(np.float64)) == pytest.approx(record["gradNorm"], rel=1e-14)


def test_manifest_header_and_lines(tmp_path):
    model = tiny_model()
    with gl.Run(tmp_path / "r", model=model, max_samples=7, max_values=20, classes=["a", "b", "c"]) as run:
        train(model, batches(3), run)
    with open(tmp_path / "r" / "run.jsonl", "rb") as f:
        raw = f.read()
    assert raw.count(b"\n") == 4 and raw.endswith(b"\n")
    header, *steps = read_manifest(tmp_path / "r")
    assert header["gradientLensRun"] == 1
    assert header["maxSamples"] == 7 and header["maxValues"] == 20
    assert header["classes"] == ["a", "b", "c"]
    assert header["created"].endswith("Z") and header["created"][:2] == "20"
    assert [s["step"] for s in steps] == [0, 1, 2]
    assert [s["file"] for s in steps] == [f"steps/step-{i:08d}.npz" for i in range(3)]
    assert all(steps[i]["time"] <= steps[i + 1]["time"] for i in range(2))
    assert set(steps[0]) == {"step", "time", "file", "loss", "params", "batchSize"}
    assert set(steps[0]["params"][0]) == {"name", "shape", "gradNorm", "weightNorm", "hasGrad"}
    step = load_step(tmp_path / "r", steps[0])
    # max_values=20: the two biases (16 and 3 values) are stored, the weights (64, 48) only as norms
    assert sorted(k for k in step if k.startswith("grad.")) == ["grad.0.bias", "grad.2.bias"]
    assert step["classes"].dtype.kind == "U" and step["classes"].tolist() == ["a", "b", "c"]
    assert step["logits"].shape == (7, 3)
    assert sorted(os.listdir(tmp_path / "r" / "steps")) == [f"step-{i:08d}.npz" for i in range(3)]


def test_max_samples_keeps_the_same_rows_every_step(tmp_path):
    data = batches(3, n=10) + batches(1, n=3, seed=9)  # a short last batch
    with gl.Run(tmp_path / "r", max_samples=4) as run:
        for step, (x, y) in enumerate(data):
            run.log(step * 10, logits=x[:, :3] * 2, labels=y, targets=F.one_hot(y, 3).double())
    for entry, (x, y) in zip(read_manifest(tmp_path / "r")[1:], data):
        step = load_step(tmp_path / "r", entry)
        kept = min(4, len(y))
        np.testing.assert_array_equal(step["sample_indices"], np.arange(kept))
        np.testing.assert_array_equal(step["logits"], (x[:, :3] * 2).numpy()[:kept])
        np.testing.assert_array_equal(step["labels"], y.numpy()[:kept])
        np.testing.assert_array_equal(step["targets"], np.eye(3)[y.numpy()[:kept]])
        assert step["targets"].dtype == np.float64
        assert entry["params"] == [] and entry["loss"] is None and "loss" not in step
        assert entry["batchSize"] == len(y)  # the whole batch, though only `kept` rows are stored
    assert [e["step"] for e in read_manifest(tmp_path / "r")[1:]] == [0, 10, 20, 30]


def test_logging_changes_nothing_in_the_model_or_optimiser(tmp_path):
    data = batches(5)
    plain = tiny_model()
    plain_opt = train(plain, data, optimiser=torch.optim.Adam(plain.parameters(), lr=0.01))

    logged = tiny_model()
    seen = {}

    def check_untouched(step, logits, y, loss):
        before = {n: (p.detach().clone(), p.grad.clone(), p.grad.data_ptr(), p.requires_grad) for n, p in logged.named_parameters()}
        run.log(100 + step, logits=logits, labels=y, loss=loss)
        for name, p in logged.named_parameters():
            weight, grad, ptr, requires = before[name]
            assert torch.equal(p.detach(), weight) and torch.equal(p.grad, grad)
            assert p.grad.data_ptr() == ptr and p.requires_grad == requires and p.grad.grad_fn is None
        seen[step] = True

    with gl.Run(tmp_path / "r", model=logged) as run:
        logged_opt = train(logged, data, optimiser=torch.optim.Adam(logged.parameters(), lr=0.01),
                           after_backward=check_untouched)
    assert len(seen) == 5
    # training with logging ends in exactly the same weights and optimiser state as without
    for (_, a), (_, b) in zip(plain.named_parameters(), logged.named_parameters()):
        assert torch.equal(a, b)
    for sa, sb in zip(plain_opt.state_dict()["state"].values(), logged_opt.state_dict()["state"].values()):
        assert all(torch.equal(torch.as_tensor(sa[k]), torch.as_tensor(sb[k])) for k in sa)


def test_the_stored_gradient_is_a_copy(tmp_path):
    model = tiny_model()
    x, y = batches(1)[0]
    F.cross_entropy(model(x), y).backward()
    want = model[0].bias.grad.numpy().copy()
    with gl.Run(tmp_path / "r", model=model) as run:
        run.log(0, loss=1.0)
    model[0].bias.grad.mul_(0)  # the optimiser's zero_grad() after the call must not reach the file
    step = load_step(tmp_path / "r", read_manifest(tmp_path / "r")[1])
    np.testing.assert_array_equal(step["grad.0.bias"], want)
    assert "sample_indices" not in step and "logits" not in step


def test_missing_and_non_finite_gradients_are_null(tmp_path):
    model = tiny_model()
    model[0].weight.requires_grad_(False)
    with gl.Run(tmp_path / "r", model=model) as run:
        run.log(0)  # before any backward: no gradient at all
        x, y = batches(1)[0]
        F.cross_entropy(model(x), y).backward()
        model[2].bias.grad[1] = float("inf")
        run.log(1, loss=float("nan"))
    _, first, second = read_manifest(tmp_path / "r")  # strict JSON: no NaN/Infinity tokens
    assert [(p["hasGrad"], p["gradNorm"]) for p in first["params"]] == [(False, None)] * 4
    assert all(p["weightNorm"] > 0 for p in first["params"])
    by_name = {p["name"]: p for p in second["params"]}
    assert by_name["0.weight"]["hasGrad"] is False and by_name["0.weight"]["gradNorm"] is None
    assert by_name["2.bias"]["hasGrad"] is True and by_name["2.bias"]["gradNorm"] is None
    assert by_name["2.weight"]["gradNorm"] == pytest.approx(model[2].weight.grad.double().norm().item(), rel=1e-14)
    assert second["loss"] is None
    step = load_step(tmp_path / "r", second)
    assert np.isnan(step["loss"]) and np.isinf(step["grad.2.bias"][1])
    assert "grad.0.weight" not in step


def test_a_failed_write_leaves_no_file_and_no_line(tmp_path, monkeypatch):
    import gradient_lens._files as files

    run = gl.Run(tmp_path / "r")
    run.log(0, logits=[[1.0, 2.0]], labels=[1])

    def broken_savez(f, **arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(files.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        run.log(1, logits=[[1.0, 2.0]], labels=[1])
    monkeypatch.undo()
    assert os.listdir(tmp_path / "r" / "steps") == ["step-00000000.npz"]
    assert len(read_manifest(tmp_path / "r")) == 2
    run.log(1, logits=[[3.0, 2.0]], labels=[0])  # the step can be logged again once the disk is fine
    run.close()
    assert [e["step"] for e in read_manifest(tmp_path / "r")[1:]] == [0, 1]


def test_each_manifest_line_is_one_write(tmp_path, monkeypatch):
    import gradient_lens._files as files

    writes = []
    real_write = os.write
    monkeypatch.setattr(files.os, "write", lambda fd, data: writes.append(bytes(data)) or real_write(fd, data))
    with gl.Run(tmp_path / "r", model=tiny_model()) as run:
        run.log(0, logits=np.zeros((2, 3)), labels=[0, 2])
        run.log(1, logits=np.ones((2, 3)), labels=[1, 2])
    assert len(writes) == 2
    assert all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)
    assert [json.loads(w)["step"] for w in writes] == [0, 1]


WRITER = """
import sys, numpy as np, gradient_lens as gl
rng = np.random.default_rng(0)
with gl.Run(sys.argv[1], max_samples=2048) as run:
    for step in range(30):
        run.log(step, logits=rng.standard_normal((2048, 40)), labels=rng.integers(0, 40, 2048), loss=float(step))
"""


def test_a_reader_polling_while_training_writes_never_sees_a_half_step(tmp_path):
    import subprocess
    import sys
    from conftest import PYTHON_DIR

    run_dir = tmp_path / "live"
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(run_dir)], env=env)
    checked = set()
    try:
        while True:
            done = writer.poll() is not None
            manifest = run_dir / "run.jsonl"
            text = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
            complete = text.split("\n")[:-1]  # a last line without its newline is still being written
            for line in complete[1:]:
                entry = json.loads(line)
                if entry["step"] in checked:
                    continue
                # a step named in the manifest is there, whole
                with np.load(run_dir / entry["file"]) as z:
                    assert z["logits"].shape == (2048, 40) and z["labels"].shape == (2048,)
                    assert float(z["loss"]) == entry["loss"] == entry["step"]
                checked.add(entry["step"])
            if run_dir.joinpath("steps").exists():
                for name in os.listdir(run_dir / "steps"):
                    if name.startswith("step-"):  # any visible step file is complete
                        with np.load(run_dir / "steps" / name) as z:
                            assert z["logits"].shape == (2048, 40)
            if done:
                break
            time.sleep(0.01)  # poll like an editor would; the assertions do not depend on timing
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert checked == set(range(30))
    assert not [n for n in os.listdir(run_dir / "steps") if n.endswith(".tmp")]


def test_numpy_arrays_lists_and_reduced_precision_tensors(tmp_path):
    with gl.Run(tmp_path / "r") as run:
        run.log(0, probabilities=[[0.2, 0.8], [0.6, 0.4]], labels=np.array([1.0, 0.0]))
        run.log(1, logits=torch.tensor([[1.5, -2.25]], dtype=torch.bfloat16), labels=torch.tensor([0]))
        run.log(2, predictions=np.array([1, 2, 3], dtype=np.int32), targets=[1.5, 2.5, 2.0], loss=np.float32(0.25))
        run.log(3, logits=np.array([[1, 2]], dtype=np.float16), labels=[1], loss=torch.tensor(0.5, requires_grad=True) * 1)
    lines = read_manifest(tmp_path / "r")[1:]
    s0, s1, s2, s3 = (load_step(tmp_path / "r", e) for e in lines)
    assert s0["probabilities"].dtype == np.float64 and s0["labels"].tolist() == [1, 0] and s0["labels"].dtype == np.int64
    assert s1["logits"].dtype == np.float32 and s1["logits"].tolist() == [[1.5, -2.25]]
    assert s2["predictions"].dtype == np.float64 and s2["predictions"].tolist() == [1.0, 2.0, 3.0]
    assert lines[2]["loss"] == 0.25 and lines[3]["loss"] == 0.5
    assert s3["logits"].dtype == np.float32


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(step=1.0, logits=[[1.0, 2.0]]), TypeError, "step must be an int"),
    (dict(step="3", logits=[[1.0, 2.0]]), TypeError, "step must be an int"),
    (dict(step=True, logits=[[1.0, 2.0]]), TypeError, "step must be an int"),
    (dict(step=torch.tensor(2), logits=[[1.0, 2.0]]), TypeError, r"use int\(step\)"),
    (dict(step=-1, logits=[[1.0, 2.0]]), ValueError, "step must be ≥ 0"),
    (dict(step=0, logits=np.zeros((3, 2)), labels=[0, 1]), ValueError, "logits has 3, labels has 2"),
    (dict(step=0, logits=np.zeros((2, 2)), probabilities=np.full((2, 3), 1 / 3)), ValueError, "same number of classes"),
    (dict(step=0, logits=np.zeros((2, 2)), targets=np.zeros((2, 3))), ValueError, "targets has 3 columns"),
    (dict(step=0, logits=[1.0, 2.0]), ValueError, r"logits must be 2-D \(N, K\)"),
    (dict(step=0, logits=np.zeros((2, 2, 2))), ValueError, "got shape \\(2, 2, 2\\)"),
    (dict(step=0, logits="1,2"), TypeError, "logits must be a tensor"),
    (dict(step=0, logits=[[1.0, 2.0], [3.0]]), ValueError, "not a rectangular array"),
    (dict(step=0, logits=np.array([["a", "b"]])), TypeError, "real numbers"),
    (dict(step=0, logits=np.zeros((1, 2)), labels=[0.5]), ValueError, "whole numbers"),
    (dict(step=0, logits=np.zeros((1, 2)), labels=[True]), TypeError, "not booleans"),
    (dict(step=0, logits=np.zeros((1, 2)), loss=[1.0, 2.0]), ValueError, "loss must be a single number"),
    (dict(step=0, labels=5), ValueError, "got a scalar"),
    (dict(step=0), ValueError, "needs something to record"),
])
def test_bad_input_is_refused_with_a_clear_message(tmp_path, kwargs, error, message):
    with gl.Run(tmp_path / "r") as run:
        with pytest.raises(error, match=message):
            run.log(**kwargs)
    assert read_manifest(tmp_path / "r")[1:] == [] and os.listdir(tmp_path / "r" / "steps") == []


def test_run_lifecycle_errors(tmp_path):
    with pytest.raises(TypeError, match="named_parameters"):
        gl.Run(tmp_path / "a", model=object())
    with pytest.raises(ValueError, match="max_samples must be an int ≥ 1"):
        gl.Run(tmp_path / "a", max_samples=0)
    with pytest.raises(TypeError, match="list of class names"):
        gl.Run(tmp_path / "a", classes="cat")
    with gl.Run(tmp_path / "c", classes=["cat", "dog", "eel"]) as run:
        with pytest.raises(ValueError, match="logits has 2 classes but 3 class names were given"):
            run.log(0, logits=[[1.0, 2.0]])
    with gl.Run(tmp_path / "b") as run:
        run.log(0, logits=[[1.0, 2.0]])
        with pytest.raises(ValueError, match="step 0 was already logged"):
            run.log(0, logits=[[1.0, 2.0]])
    assert run.closed
    with pytest.raises(ValueError, match="closed"):
        run.log(1, logits=[[1.0, 2.0]])
    run.close()  # twice is fine


def test_an_existing_run_is_kept_unless_overwrite(tmp_path):
    with gl.Run(tmp_path / "r") as run:
        for step in range(3):
            run.log(step, logits=[[1.0, 2.0]])
    (tmp_path / "r" / "notes.txt").write_text("mine")
    (tmp_path / "r" / "steps" / "keep.npz").write_bytes(b"x")
    with pytest.raises(FileExistsError, match="already holds a run"):
        gl.Run(tmp_path / "r")
    assert len(read_manifest(tmp_path / "r")) == 4
    with gl.Run(tmp_path / "r", overwrite=True) as run:
        run.log(7, logits=[[1.0, 2.0]])
    assert [e["step"] for e in read_manifest(tmp_path / "r")[1:]] == [7]
    assert sorted(os.listdir(tmp_path / "r" / "steps")) == ["keep.npz", "step-00000007.npz"]
    assert (tmp_path / "r" / "notes.txt").read_text() == "mine"
