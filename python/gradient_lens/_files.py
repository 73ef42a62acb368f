"""Writes that a reader watching the folder can never see half done (RUN-FORMAT.md): a file is
written under a temporary name and renamed into place; a manifest line is appended in one write."""
import io
import json
import math
import os

import numpy as np


def write_npz_atomic(path, arrays):
    """np.savez (uncompressed) to `.<name>.tmp` beside `path`, then os.replace onto `path`."""
    folder, name = os.path.split(os.fspath(path))
    temp = os.path.join(folder, f".{name}.tmp")
    try:
        # Built in memory and written at once: zipfile's many small writes and seeks on a real file
        # cost more than the copy (a step is small: at most max_samples rows and max_values per grad).
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        with open(temp, "wb") as f:
            f.write(buffer.getbuffer())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def write_text_atomic(path, text):
    folder, name = os.path.split(os.fspath(path))
    temp = os.path.join(folder, f".{name}.tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def finite_or_none(value):
    """JSON has no NaN or Infinity (JavaScript's JSON.parse rejects them), so a non-finite number is
    written as null; the step's .npz still holds the exact values."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def json_line(obj):
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")) + "\n"


class Manifest:
    """run.jsonl opened for appending; each line goes out in a single os.write (O_APPEND), so a
    reader sees either nothing of it or the whole line (or, at worst, a prefix without its newline,
    which the contract tells readers to wait on)."""

    def __init__(self, path, header):
        self.path = path
        write_text_atomic(path, json_line(header))
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def append(self, obj):
        data = json_line(obj).encode("utf-8")
        written = os.write(self.fd, data)
        while written < len(data):  # a regular file takes it all at once; this is only a guard
            written += os.write(self.fd, data[written:])

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
