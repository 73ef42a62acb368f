"""Per-parameter gradient and weight norms, and copies of the small gradients, read from a model's
`named_parameters()` without changing anything in it (no_grad, detach, read only)."""
import math

import numpy as np

from ._tensors import is_torch_tensor, to_numpy


def named_parameters(model):
    getter = getattr(model, "named_parameters", None)
    if not callable(getter):
        raise TypeError(f"model must have named_parameters() (a torch.nn.Module); got {type(model).__name__}")
    params = list(getter())
    for item in params:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError("model.named_parameters() must yield (name, parameter) pairs")
    return params


def _dense(tensor):
    return tensor.to_dense() if getattr(tensor, "is_sparse", False) else tensor


def _torch_norms(params):
    """Weight and gradient norms in float64, computed where the tensors live and brought to the CPU
    in one transfer (one device sync per step, not one per parameter)."""
    import torch  # the parameters are torch tensors, so torch is installed

    with torch.no_grad():
        norms = []
        for _, p in params:
            norms.append(torch.linalg.vector_norm(p.detach(), dtype=torch.float64))
            if p.grad is not None:
                g = p.grad.detach()
                g = g.coalesce().values() if g.is_sparse else g
                norms.append(torch.linalg.vector_norm(g, dtype=torch.float64))
        if not norms:
            return []
        try:
            return torch.stack(norms).cpu().tolist()
        except RuntimeError:  # parameters on several devices
            return [n.item() for n in norms]


def parameter_snapshot(model, max_values):
    """([{name, shape, gradNorm, weightNorm, hasGrad}], {"grad.<name>": array}) as at this call."""
    params = named_parameters(model)
    for name, p in params:
        if not is_torch_tensor(p):
            raise TypeError(f"model.named_parameters() must yield torch tensors; {name} is a {type(p).__name__}")
    norms = iter(_torch_norms(params))
    records, grads = [], {}
    for name, p in params:
        grad = getattr(p, "grad", None)
        record = {"name": name, "shape": [int(d) for d in p.shape], "gradNorm": None,
                  "weightNorm": next(norms), "hasGrad": grad is not None}
        if grad is not None:
            record["gradNorm"] = next(norms)
            size = math.prod(int(d) for d in grad.shape)
            if size <= max_values:
                array = to_numpy(_dense(grad), f"gradient of {name}")
                if array.dtype.kind != "f":
                    array = array.astype(np.float64)
                # A copy: the .npz is written at once, but the caller's optimiser must never share
                # memory with anything we hold.
                grads[f"grad.{name}"] = np.array(array, copy=True)
        records.append(record)
    return records, grads
