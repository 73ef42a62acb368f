"""NumPy peer for `gradient-lens analyze FILE --summary`: the same work, vectorised.

Reads a logits file written by bench/generate.mjs (CSV: header logit_0..logit_{K-1},label;
JSON: {"logits": [[...]], "labels": [...]}), then computes in float64 what the CLI's summary
reports, and nothing it does not: the mean softmax cross-entropy and the accuracy (the CLI's
--summary keeps no n x k probabilities or gradient either; `analyze` without --summary does).
Prints one JSON line: timings (seconds, inside Python), the loss, and the BLAS in use.

    python3 bench/numpy_peer.py FILE.csv|FILE.json
"""
import json
import os
import sys
import time


def blas_info():
    """Which BLAS and which kernel (OpenBLAS core type) NumPy runs with."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore

        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            i = infos[0]
            return {"via": "threadpoolctl", "library": i.get("internal_api"), "kernel": i.get("architecture"), "version": i.get("version"), "threads": i.get("num_threads")}
    except Exception:
        pass
    # No threadpoolctl: ask the OpenBLAS that NumPy loaded directly.
    try:
        import ctypes

        path = None
        with open("/proc/self/maps") as maps:
            for line in maps:
                if "openblas" in line.lower() or "libblas" in line.lower():
                    path = line.split()[-1]
                    break
        if path is None:
            return {"via": "/proc/self/maps", "library": "no OpenBLAS loaded"}
        lib = ctypes.CDLL(path)
        out = {"via": "openblas_get_corename (threadpoolctl not installed)", "library": path}
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            out["kernel"] = lib.openblas_get_corename().decode()
        if hasattr(lib, "openblas_get_config"):
            lib.openblas_get_config.restype = ctypes.c_char_p
            out["config"] = lib.openblas_get_config().decode()
        if "kernel" not in out:
            out["kernel"] = "none: not OpenBLAS (reference BLAS); the work here is element-wise ufuncs, no BLAS call"
        return out
    except Exception as error:  # pragma: no cover
        return {"via": "ctypes", "error": str(error)}


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    import numpy as np

    t_import = time.perf_counter()
    if path.endswith(".json"):
        with open(path) as f:
            doc = json.load(f)
        z = np.array(doc["logits"], dtype=np.float64)
        labels = np.array(doc["labels"], dtype=np.int64)
        reader = "json.load + np.array"
    else:
        table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
        z = table[:, :-1]
        labels = table[:, -1].astype(np.int64)
        reader = "np.loadtxt"
    t_read = time.perf_counter()

    n, k = z.shape
    rows = np.arange(n)
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1)
    losses = np.log(s) + m[:, 0] - z[rows, labels]
    loss = losses.mean()
    accuracy = float((e.argmax(axis=1) == labels).mean())
    t_done = time.perf_counter()

    print(json.dumps({
        "reader": reader,
        "n": n,
        "k": k,
        "loss": float(loss),
        "accuracy": accuracy,
        "seconds": {"import": t_import - t0, "read": t_read - t_import, "compute": t_done - t_read, "total": t_done - t0},
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
    }))


if __name__ == "__main__":
    main()
