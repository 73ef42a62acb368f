"""gl.Run: a training-run folder (RUN-FORMAT.md, version 1) that grows one step at a time."""
import datetime
import os
import time

import numpy as np

from ._files import Manifest, finite_or_none, write_npz_atomic
from ._params import parameter_snapshot
from ._tensors import ROLE_ORDER, check_batch, check_classes, class_names, role_array, row_count, scalar, step_number

FORMAT_VERSION = 1


def _positive_int(value, what, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what} must be an int ≥ {minimum}; got {value!r}")
    return int(value)


class Run:
    """Records a training run into `dir`: `run.jsonl` (one line per step) and `steps/step-%08d.npz`.

    run = gl.Run("runs/exp1", model=model)
    run.log(step, logits=logits, labels=y, loss=loss)   # after loss.backward(), before opt.step()
    run.close()

    The first `max_samples` rows of the batch are kept (the same rows every step, so one sample can
    be followed through training); a parameter's whole gradient is kept when it has at most
    `max_values` entries. A folder that already holds a run is refused unless `overwrite=True`.
    """

    def __init__(self, dir, model=None, max_samples=256, max_values=65536, classes=None, overwrite=False):
        self.dir = os.fspath(dir)
        self.model = model
        self.max_samples = _positive_int(max_samples, "max_samples", 1)
        self.max_values = _positive_int(max_values, "max_values", 0)
        self.classes = None if classes is None else class_names(classes)
        if model is not None:
            if not callable(getattr(model, "named_parameters", None)):
                raise TypeError(f"model must have named_parameters() (a torch.nn.Module); got {type(model).__name__}")
        self._steps = set()
        manifest = os.path.join(self.dir, "run.jsonl")
        if os.path.exists(manifest) and not overwrite:
            raise FileExistsError(f"{manifest} already holds a run; choose another folder or pass overwrite=True")
        os.makedirs(os.path.join(self.dir, "steps"), exist_ok=True)
        if overwrite:
            self._remove_old_steps()
        created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
        header = {"gradientLensRun": FORMAT_VERSION, "created": created.replace("+00:00", "Z"),
                  "maxSamples": self.max_samples, "maxValues": self.max_values}
        if self.classes is not None:
            header["classes"] = self.classes.tolist()
        self._manifest = Manifest(manifest, header)

    def _remove_old_steps(self):
        """Only the files this format writes (steps/step-*.npz and their temporaries) go."""
        steps = os.path.join(self.dir, "steps")
        for name in os.listdir(steps):
            if (name.startswith("step-") and name.endswith(".npz")) or (name.startswith(".step-") and name.endswith(".tmp")):
                os.remove(os.path.join(steps, name))

    @property
    def closed(self):
        return self._manifest.fd is None

    def log(self, step, logits=None, labels=None, targets=None, probabilities=None, predictions=None, loss=None):
        """Records one step: the batch's tensors, the loss, and every parameter's norms and small
        gradients as they are now. Reads only; nothing in the model or optimiser changes."""
        if self.closed:
            raise ValueError(f"the run in {self.dir} is closed")
        step = step_number(step)
        if step in self._steps:
            raise ValueError(f"step {step} was already logged in {self.dir}")
        given = {"logits": logits, "probabilities": probabilities, "predictions": predictions,
                 "labels": labels, "targets": targets}
        given = {role: given[role] for role in ROLE_ORDER if given[role] is not None}
        if not given and loss is None and self.model is None:
            raise ValueError("run.log needs something to record: batch tensors (logits=, labels=, …), loss= or a model")

        full_rows = {}
        for role, value in given.items():
            n = row_count(value)
            if n is None:
                raise ValueError(f"{role} must have one row per sample; got a scalar")
            full_rows[role] = n
        arrays = {role: role_array(role, value, rows=self.max_samples) for role, value in given.items()}
        check_batch(arrays, full_rows)
        check_classes(arrays, self.classes)
        loss_value = None if loss is None else scalar(loss, "loss")

        members = dict(arrays)
        if arrays:
            kept = next(iter(arrays.values())).shape[0]
            members["sample_indices"] = np.arange(kept, dtype=np.int64)
        if loss_value is not None:
            members["loss"] = np.array(loss_value, dtype=np.float64)
        if self.classes is not None:
            members["classes"] = self.classes
        params = []
        if self.model is not None:
            params, grads = parameter_snapshot(self.model, self.max_values)
            for record in params:
                record["gradNorm"] = finite_or_none(record["gradNorm"])
                record["weightNorm"] = finite_or_none(record["weightNorm"])
            members.update(grads)

        file = f"steps/step-{step:08d}.npz"
        write_npz_atomic(os.path.join(self.dir, *file.split("/")), members)
        line = {"step": step, "time": time.time(), "file": file, "loss": finite_or_none(loss_value), "params": params}
        if full_rows:
            # The logged loss is over the whole batch; a reader compares it with the loss of the kept
            # rows only when they are the whole batch.
            line["batchSize"] = next(iter(full_rows.values()))
        self._manifest.append(line)
        self._steps.add(step)
        return file

    def close(self):
        self._manifest.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        manifest = getattr(self, "_manifest", None)
        if manifest is not None:
            manifest.close()

    def __repr__(self):
        return f"Run({self.dir!r}, steps={len(self._steps)}{', closed' if self.closed else ''})"
