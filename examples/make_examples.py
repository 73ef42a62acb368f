"""Writes the example workspace (deterministic; run with /usr/bin/python3 and NumPy).

Each file teaches one thing; see README.md in this folder.
"""
import json
import os
import numpy as np

rng = np.random.default_rng(2026)


def dump(name, obj):
    with open(name, "w") as f:
        json.dump(obj, f, indent=None, separators=(", ", ": "))
        f.write("\n")


def rows_json(name, head, rows_key, rows, tail):
    """One sample per line, so hover, CodeLens and diagnostics land on readable rows."""
    lines = ["{"]
    for key, value in head:
        lines.append(f'  "{key}": {json.dumps(value)},')
    lines.append(f'  "{rows_key}": [')
    lines.append(",\n".join("    " + json.dumps(r) for r in rows))
    lines.append("  ]" + ("," if tail else ""))
    for i, (key, value) in enumerate(tail):
        lines.append(f'  "{key}": {json.dumps(value)}' + ("," if i < len(tail) - 1 else ""))
    lines.append("}")
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")


# 1. The reference document's own example: two samples, probabilities, one-hot targets (loss 0.7803).
rows_json("reference-example.json", [], "probabilities", [[0.1, 0.7, 0.2], [0.3, 0.4, 0.3]],
          [("targets", [[0, 1, 0], [1, 0, 0]])])

# 2. Ten classes from logits with class names (CIFAR-10 style), 24 samples, some confidently wrong.
classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
n, k = 24, 10
labels = rng.integers(0, k, n)
logits = rng.normal(0, 1.5, (n, k))
logits[np.arange(n), labels] += 3.0
for i in (5, 13, 21):  # confidently wrong: a large logit on another class
    wrong = (labels[i] + 3) % k
    logits[i, wrong] += 9.0
rows_json("cifar10-logits.json", [("classes", classes)], "logits", np.round(logits, 4).tolist(),
          [("labels", labels.tolist())])

# 3. Soft labels (label smoothing 0.1 over 4 classes, and a mixup-style blend).
n, k = 8, 4
labels = rng.integers(0, k, n)
targets = np.full((n, k), 0.1 / k)
targets[np.arange(n), labels] += 0.9
targets[6] = [0.5, 0.5, 0, 0]
logits = np.round(rng.normal(0, 2, (n, k)), 3)
rows_json("soft-labels.json", [("classes", ["north", "east", "south", "west"])], "logits", logits.tolist(),
          [("targets", targets.tolist())])

# 4. Regression: 12 predictions of 2 outputs against targets.
n, d = 12, 2
targets = np.round(rng.normal(0, 1, (n, d)), 3)
predictions = np.round(targets + rng.normal(0, 0.3, (n, d)), 3)
predictions[7] += 2.5  # an outlier
rows_json("regression.json", [], "predictions", predictions.tolist(), [("targets", targets.tolist())])

# 5. A CSV of logits and labels, one sample per row.
n, k = 15, 3
labels = rng.integers(0, k, n)
logits = rng.normal(0, 1.2, (n, k))
logits[np.arange(n), labels] += 1.5
with open("iris-logits.csv", "w") as f:
    f.write(",".join([f"logit_{j}" for j in range(k)] + ["label"]) + "\n")
    for row, label in zip(np.round(logits, 4), labels):
        f.write(",".join(f"{v:g}" for v in row) + f",{label}\n")

# 6. A thousand classes (ImageNet-sized head), 16 samples: the Jacobian is 1000 × 1000.
n, k = 16, 1000
labels = rng.integers(0, k, n)
logits = rng.normal(0, 2, (n, k))
logits[np.arange(n), labels] += 6
rows_json("imagenet-1000-classes.json", [], "logits", np.round(logits, 3).tolist(), [("labels", labels.tolist())])



# 7. NumPy: float32 logits with int64 labels beside them, as a training script saves them.
n, k = 32, 5
labels = rng.integers(0, k, n)
logits = rng.normal(0, 1.5, (n, k)).astype(np.float32)
logits[np.arange(n), labels] += 2.0
os.makedirs("numpy", exist_ok=True)  # its own folder: classes.txt applies to every file beside it
np.save("numpy/scores.npy", logits)
np.save("numpy/scores_labels.npy", labels.astype(np.int64))
with open("numpy/classes.txt", "w") as f:
    f.write("\n".join(["setosa", "versicolor", "virginica", "unknown", "hybrid"]) + "\n")
print("examples written")
