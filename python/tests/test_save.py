import numpy as np
import pytest

import gradient_lens as gl

torch = pytest.importorskip("torch")


def test_save_round_trips_through_np_load(tmp_path):
    torch.manual_seed(3)
    logits = torch.randn(5, 3, requires_grad=True) * 2
    labels = torch.tensor([0, 2, 1, 1, 0])
    path = gl.save(tmp_path / "batch.npz", logits=logits, labels=labels, classes=["cat", "dog", "eel"],
                   inputs=np.arange(10.0).reshape(5, 2))
    assert str(path) == str(tmp_path / "batch.npz")
    with np.load(tmp_path / "batch.npz") as z:
        assert sorted(z.files) == ["classes", "inputs", "labels", "logits"]
        np.testing.assert_array_equal(z["logits"], logits.detach().numpy())
        assert z["logits"].dtype == np.float32
        assert z["labels"].tolist() == [0, 2, 1, 1, 0] and z["labels"].dtype == np.int64
        assert z["classes"].tolist() == ["cat", "dog", "eel"] and z["classes"].dtype.kind == "U"
        np.testing.assert_array_equal(z["inputs"], np.arange(10.0).reshape(5, 2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.npz"]  # no temporary left


def test_save_keeps_the_path_as_given_and_every_role(tmp_path):
    gl.save(tmp_path / "snapshot.bin", probabilities=[[0.25, 0.75]], targets=[[0.0, 1.0]])
    gl.save(tmp_path / "reg.npz", predictions=[1.0, 2.0], targets=np.array([1.5, 2.5], dtype=np.float32))
    with np.load(tmp_path / "snapshot.bin") as z:
        assert z["probabilities"].tolist() == [[0.25, 0.75]] and z["targets"].tolist() == [[0.0, 1.0]]
    with np.load(tmp_path / "reg.npz") as z:
        assert z["targets"].dtype == np.float32 and z["predictions"].tolist() == [1.0, 2.0]


def test_save_refuses_bad_input(tmp_path):
    with pytest.raises(ValueError, match="at least one array"):
        gl.save(tmp_path / "a.npz")
    with pytest.raises(ValueError, match="logits has 2, labels has 3"):
        gl.save(tmp_path / "a.npz", logits=np.zeros((2, 3)), labels=[0, 1, 2])
    with pytest.raises(TypeError, match="list of class names"):
        gl.save(tmp_path / "a.npz", logits=np.zeros((2, 3)), classes="abc")
    with pytest.raises(ValueError, match="probabilities has 2 classes but 3 class names"):
        gl.save(tmp_path / "a.npz", probabilities=[[0.5, 0.5]], classes=["a", "b", "c"])
    assert list(tmp_path.iterdir()) == []
