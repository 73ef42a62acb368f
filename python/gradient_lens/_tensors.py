"""Turning what a training loop holds (torch tensors, NumPy arrays, lists, scalars) into NumPy arrays
of the dtypes the Gradient Lens `.npz` contract names, with clear errors for anything else.

PyTorch is never imported here: a tensor is recognised by its `.detach()`, so this module works
without torch installed.
"""
import numbers

import numpy as np

# The batch roles of the README's file contract, and the dimensions each accepts (rows = samples).
ROLE_DIMS = {
    "logits": (2,),
    "probabilities": (2,),
    "predictions": (1, 2),
    "labels": (1,),
    "targets": (1, 2),
}
ROLE_ORDER = ("logits", "probabilities", "predictions", "labels", "targets")


def is_torch_tensor(value):
    return hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy")


def to_numpy(value, what, rows=None):
    """A NumPy array holding `value`'s numbers. `rows` keeps only the first rows (sliced before a
    tensor leaves its device, so a large GPU batch is not copied whole)."""
    if is_torch_tensor(value):
        tensor = value.detach()
        if rows is not None and tensor.dim() > 0:
            tensor = tensor[:rows]
        # NumPy has no bfloat16 (and .numpy() refuses it); float32 holds every bfloat16 exactly.
        if str(tensor.dtype) in ("torch.bfloat16", "torch.float16"):
            tensor = tensor.float()
        if getattr(tensor, "is_conj", lambda: False)():
            tensor = tensor.resolve_conj()
        return tensor.cpu().numpy()
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{what} must be a tensor, a NumPy array or a (nested) list of numbers, not {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{what} is not a rectangular array: {error}") from None
    if array.dtype == object:
        raise ValueError(f"{what} is not a rectangular array of numbers (NumPy made an object array of it)")
    if rows is not None and array.ndim > 0:
        array = array[:rows]
    return array


def _check_numeric(array, what):
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold real numbers, not dtype {array.dtype}")


def as_float(array, what):
    """float32/float64 kept as they are; float16 widened to float32; integers and booleans to float64."""
    _check_numeric(array, what)
    if array.dtype == np.float16:
        return array.astype(np.float32)
    if array.dtype.kind != "f":
        return array.astype(np.float64)
    return array


def as_labels(array, what):
    """Class indices as int64. Floats are accepted only when every value is a whole number."""
    _check_numeric(array, what)
    if array.dtype.kind == "b":
        raise TypeError(f"{what} must be class indices (integers), not booleans")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{what} must be class indices (whole numbers); it holds fractional or non-finite values")
    return array.astype(np.int64, copy=False)


def role_array(role, value, rows=None):
    """One batch tensor converted and checked for its role: its dimensions and dtype."""
    what = f"{role}"
    array = to_numpy(value, what, rows)
    dims = ROLE_DIMS[role]
    if array.ndim not in dims:
        expected = " or ".join(f"{d}-D" for d in dims)
        shapes = {"logits": "(N, K)", "probabilities": "(N, K)", "labels": "(N,)",
                  "predictions": "(N,) or (N, D)", "targets": "(N,) or (N, K)"}[role]
        raise ValueError(f"{role} must be {expected} {shapes} with one row per sample; got shape {tuple(array.shape)}")
    if role == "labels":
        return as_labels(array, what)
    return as_float(array, what)


def check_batch(arrays, full_rows):
    """All batch tensors have one row per sample, the same N; 2-D class tensors agree on K."""
    if not arrays:
        return
    counts = {role: rows for role, rows in full_rows.items()}
    if len(set(counts.values())) > 1:
        listing = ", ".join(f"{role} has {n}" for role, n in counts.items())
        raise ValueError(f"the batch tensors must have the same number of samples (rows): {listing}")
    widths = {role: a.shape[1] for role, a in arrays.items()
              if a.ndim == 2 and role in ("logits", "probabilities", "targets", "predictions")}
    classes = {role: k for role, k in widths.items() if role in ("logits", "probabilities")}
    if len(set(classes.values())) > 1:
        raise ValueError("logits and probabilities must have the same number of classes: "
                         + ", ".join(f"{role} has {k}" for role, k in classes.items()))
    if "targets" in widths and (classes or "predictions" in widths):
        other = next(iter(classes.values()), widths.get("predictions"))
        if widths["targets"] != other:
            raise ValueError(f"targets has {widths['targets']} columns but the model's output has {other}")


def check_classes(arrays, names):
    """Class names, when given, name every column of the logits / probabilities."""
    if names is None:
        return
    for role in ("logits", "probabilities"):
        if role in arrays and arrays[role].shape[1] != len(names):
            raise ValueError(f"{role} has {arrays[role].shape[1]} classes but {len(names)} class names were given")


def row_count(value):
    """The number of rows (samples) of a batch tensor before any are dropped."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return int(shape[0]) if len(shape) > 0 else None
    return len(value) if hasattr(value, "__len__") else None


def scalar(value, what):
    """A loss or other scalar as a Python float (a 0-d or one-element tensor or array, or a number)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not a bool")
    if isinstance(value, numbers.Real):
        return float(value)
    array = to_numpy(value, what)
    if array.size != 1:
        raise ValueError(f"{what} must be a single number; got shape {tuple(array.shape)}")
    _check_numeric(array, what)
    return float(array.reshape(()))


def step_number(step):
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        if is_torch_tensor(step) or isinstance(step, np.ndarray):
            raise TypeError(f"step must be an int, not a {type(step).__name__} (use int(step))")
        raise TypeError(f"step must be an int, not {type(step).__name__} {step!r}")
    step = int(step)
    if step < 0:
        raise ValueError(f"step must be ≥ 0; got {step}")
    return step


def class_names(classes):
    """Class names as a NumPy unicode array, one per class."""
    if isinstance(classes, str) or is_torch_tensor(classes):
        raise TypeError("classes must be a list of class names, e.g. ['cat', 'dog']")
    names = [str(c) for c in classes]
    if not names:
        raise ValueError("classes is empty")
    return np.array(names, dtype=str)
