import json
import os

import numpy as np


def read_manifest(run_dir):
    """The manifest's lines as objects; strict JSON (NaN/Infinity are rejected, as JavaScript does)."""
    def no_constants(name):
        raise ValueError(f"non-JSON constant {name}")

    with open(os.path.join(run_dir, "run.jsonl"), encoding="utf-8") as f:
        text = f.read()
    assert text.endswith("\n")
    return [json.loads(line, parse_constant=no_constants) for line in text.splitlines()]


def load_step(run_dir, entry):
    with np.load(os.path.join(run_dir, entry["file"])) as z:
        return {name: z[name] for name in z.files}
