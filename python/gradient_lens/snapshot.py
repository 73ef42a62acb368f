"""gl.save: one batch snapshot as an .npz that Gradient Lens opens (the README's NumPy contract)."""
import os

from ._files import write_npz_atomic
from ._tensors import ROLE_DIMS, check_batch, check_classes, class_names, role_array, row_count, to_numpy


def save(path, classes=None, **arrays):
    """Writes `arrays` (tensors, NumPy arrays or lists) to the .npz `path`, written under a
    temporary name and renamed. The roles (logits, probabilities, predictions, labels, targets) are
    checked and converted as run.log does (labels to int64, one row per sample); other names are
    stored as given. `classes` are the class names. Returns the path."""
    path = os.fspath(path)
    if not arrays:
        raise ValueError("gl.save needs at least one array, e.g. gl.save(path, logits=logits, labels=labels)")
    members, roles, rows = {}, {}, {}
    for name, value in arrays.items():
        if name == "classes":
            continue
        if name in ROLE_DIMS:
            roles[name] = role_array(name, value)
            rows[name] = row_count(roles[name])
            members[name] = roles[name]
        else:
            members[name] = to_numpy(value, name)
    check_batch(roles, rows)
    if classes is not None:
        members["classes"] = class_names(classes)
        check_classes(roles, members["classes"])
    write_npz_atomic(path, members)
    return path
