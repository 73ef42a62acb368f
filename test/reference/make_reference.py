#!/usr/bin/python3
"""Generate PyTorch golden reference data for the Gradient Lens test suite.

Run from the repository root (or anywhere):

    /usr/bin/python3 test/reference/make_reference.py

Needs Debian's python3-torch and python3-numpy (float64 everywhere).
Writes input files, expected outputs and index.json into
test/fixtures/reference/. Output is deterministic (fixed seeds, no
timestamps), so regenerating on the same torch/numpy versions gives
byte-identical files.

Conventions (see test/reference/README.md):
  * mean reduction everywhere;
  * probabilities input: loss = mean_n -sum_k y_k log(clamp(p, 1e-7, 1-1e-7)),
    `gradient` is the autograd derivative of exactly that; torch.clamp passes
    the gradient where min <= p <= max (inclusive) and gives 0 outside;
  * ReLU derivative at z == 0 is 0 (torch convention); cases avoid z == 0
    except where noted;
  * -0.0 is written as 0.0 (so deep-equality in JS does not trip on -0);
  * NaN / Infinity never appear (json.dumps(allow_nan=False)).
"""

import csv
import io
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
DT = torch.float64
EPS = 1e-7  # plain ASCII; the reference document's Python writes 1e-8 with a U+2011 hyphen.

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "reference"))

INDEX = []


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def clean(x):
    """Convert tensors/arrays to nested lists of Python floats/ints, -0.0 -> 0.0."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().tolist()
    elif isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, bool):
        return x
    if isinstance(x, float):
        assert math.isfinite(x), "non-finite value in reference data"
        return x + 0.0 if x == 0.0 else x  # -0.0 + 0.0 == +0.0
    return x


def dump(obj):
    return json.dumps(clean(obj), allow_nan=False, separators=(",", ":")) + "\n"


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def t(x):
    return torch.tensor(x, dtype=DT)


def rng(seed):
    return np.random.default_rng(seed)


def rnd(a, decimals=4):
    """Round generated inputs so the files are short and parse to the same float64."""
    return np.round(np.asarray(a, dtype=np.float64), decimals) + 0.0


def close(a, b, rtol=1e-12, atol=1e-14):
    return torch.allclose(torch.as_tensor(a, dtype=DT), torch.as_tensor(b, dtype=DT), rtol=rtol, atol=atol)


def register(name, kind, description, input_name, expected_name, **extra):
    entry = {"name": name, "kind": kind, "format": input_name.rsplit(".", 1)[1],
             "input": input_name, "expected": expected_name, "description": description}
    entry.update(extra)
    INDEX.append(entry)


# --------------------------------------------------------------------------
# reference computations
# --------------------------------------------------------------------------

def classification_from_logits(logits, labels=None, targets=None):
    z = t(logits).requires_grad_(True)
    N, K = z.shape
    if labels is not None:
        lab = torch.tensor(labels, dtype=torch.long)
        losses = F.cross_entropy(z, lab, reduction="none")
        loss = F.cross_entropy(z, lab, reduction="mean")
        y = F.one_hot(lab, K).to(DT)
    else:
        y = t(targets)
        losses = F.cross_entropy(z, y, reduction="none")
        loss = F.cross_entropy(z, y, reduction="mean")
    (grad,) = torch.autograd.grad(loss, z)
    p = torch.softmax(z.detach(), dim=1)

    # sanity checks against hand formulas
    assert close(losses.mean(), loss)
    assert close(p.sum(dim=1), torch.ones(N), atol=1e-15)
    assert close(grad, (p - y) / N, rtol=1e-10, atol=1e-15), "gradient != (p - y)/N"
    assert close(losses, -(y * torch.log_softmax(z.detach(), 1)).sum(1), rtol=1e-12, atol=1e-12)
    return {
        "task": "classification",
        "loss": loss.item(),
        "losses": losses,
        "probabilities": p,
        "gradient": grad,
        "logitGradient": grad,
    }


def classification_from_probabilities(probs, labels=None, targets=None):
    p = t(probs).requires_grad_(True)
    N, K = p.shape
    if labels is not None:
        y = F.one_hot(torch.tensor(labels, dtype=torch.long), K).to(DT)
    else:
        y = t(targets)
    pc = torch.clamp(p, EPS, 1 - EPS)
    losses = -(y * torch.log(pc)).sum(dim=1)
    loss = losses.mean()
    (grad,) = torch.autograd.grad(loss, p)
    pd = p.detach()

    # hand formula: dL/dp = -y / (N * clamp(p)) inside [EPS, 1-EPS] (inclusive), 0 outside
    inside = (pd >= EPS) & (pd <= 1 - EPS)
    hand = torch.where(inside, -y / (N * torch.clamp(pd, EPS, 1 - EPS)), torch.zeros_like(pd))
    assert close(grad, hand, rtol=1e-13, atol=0), "probability gradient mismatch"
    assert close(pd.sum(dim=1), torch.ones(N), atol=1e-12), "probability rows must sum to 1"
    return {
        "task": "classification",
        "loss": loss.item(),
        "losses": losses,
        "probabilities": pd,
        "gradient": grad,
        "logitGradient": (pd - y) / N,
    }


def regression(predictions, targets):
    yhat = t(predictions).requires_grad_(True)
    y = t(targets)
    assert yhat.shape == y.shape
    loss = F.mse_loss(yhat, y, reduction="mean")
    (grad,) = torch.autograd.grad(loss, yhat)
    sq = (yhat.detach() - y) ** 2
    losses = sq if sq.dim() == 1 else sq.mean(dim=1)
    assert close(grad, 2 * (yhat.detach() - y) / y.numel(), rtol=1e-13, atol=0)
    assert close(losses.mean(), loss)
    return {"task": "regression", "loss": loss.item(), "losses": losses, "gradient": grad}


def softmax_jacobians(logits, samples):
    out = []
    for i in samples:
        z = t(logits[i])
        J = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), z)
        p = torch.softmax(z, dim=0)
        hand = torch.diag(p) - torch.outer(p, p)
        assert close(J, hand, rtol=1e-12, atol=1e-15), "jacobian != diag(p) - p p^T"
        assert close(J.sum(dim=1), torch.zeros(len(p)), atol=1e-15), "jacobian rows must sum to 0"
        assert close(J, J.T, atol=0, rtol=0) or close(J, J.T, atol=1e-16), "jacobian must be symmetric"
        out.append({"sample": i, "jacobian": J})
    return out


ACT = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "linear": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def network(layers, inputs, labels=None, targets=None):
    acts = [L["activation"] for L in layers]
    assert "softmax" not in acts[:-1], "softmax only allowed as the last layer"
    Ws = [t(L["weights"]).requires_grad_(True) for L in layers]
    bs = [t(L["bias"]).requires_grad_(True) for L in layers]
    x = t(inputs)
    N = x.shape[0]
    a = x
    activations, zs = [], []
    for W, b, name in zip(Ws, bs, acts):
        assert W.shape[1] == a.shape[1] and b.shape[0] == W.shape[0]
        z = a @ W.T + b
        if name == "relu":  # keep clear of the ReLU kink: derivative at exactly 0 is a convention
            assert (z.detach().abs() > 1e-9).all(), "pre-activation at the ReLU kink"
        zs.append(z)
        a = ACT[name](z)
        activations.append(a)
    if acts[-1] == "softmax":
        z = zs[-1]
        if labels is not None:
            lab = torch.tensor(labels, dtype=torch.long)
            losses = F.cross_entropy(z, lab, reduction="none")
            loss = F.cross_entropy(z, lab, reduction="mean")
            y = F.one_hot(lab, z.shape[1]).to(DT)
        else:
            y = t(targets)
            losses = F.cross_entropy(z, y, reduction="none")
            loss = F.cross_entropy(z, y, reduction="mean")
        # CE over the softmax output == CE on logits; check explicitly
        assert close(losses, -(y * torch.log(activations[-1])).sum(1), rtol=1e-10, atol=1e-12)
    else:
        y = t(targets)
        assert y.shape == a.shape
        loss = F.mse_loss(a, y, reduction="mean")
        losses = ((a - y) ** 2).mean(dim=1)
    grads = torch.autograd.grad(loss, Ws + bs)
    gW, gb = grads[: len(Ws)], grads[len(Ws):]

    # manual backprop as an independent check
    if acts[-1] == "softmax":
        delta = (activations[-1] - y) / N
    else:
        delta = 2 * (activations[-1] - y) / y.numel()
    man_W, man_b = [None] * len(Ws), [None] * len(Ws)
    for l in reversed(range(len(Ws))):
        name = acts[l]
        a_l = activations[l].detach()
        if name == "relu":
            dz = delta * (zs[l].detach() > 0).to(DT)
        elif name == "sigmoid":
            dz = delta * a_l * (1 - a_l)
        elif name == "tanh":
            dz = delta * (1 - a_l ** 2)
        else:  # linear, or softmax already folded into delta
            dz = delta
        a_prev = x if l == 0 else activations[l - 1].detach()
        man_W[l] = dz.T @ a_prev
        man_b[l] = dz.sum(0)
        delta = dz @ Ws[l].detach()
    for l in range(len(Ws)):
        assert close(gW[l], man_W[l], rtol=1e-10, atol=1e-15), f"dW mismatch layer {l}"
        assert close(gb[l], man_b[l], rtol=1e-10, atol=1e-15), f"db mismatch layer {l}"
    assert close(losses.mean(), loss)

    return {
        "task": "network",
        "loss": loss.item(),
        "losses": losses,
        "gradients": [{"weights": w, "bias": b} for w, b in zip(gW, gb)],
        "activations": activations,
    }


# --------------------------------------------------------------------------
# case writers
# --------------------------------------------------------------------------

def json_classification(name, description, doc, jacobian_samples=None, **extra):
    if "logits" in doc:
        expected = classification_from_logits(doc["logits"], doc.get("labels"), doc.get("targets"))
        input_kind = "logits"
    else:
        expected = classification_from_probabilities(doc["probabilities"], doc.get("labels"), doc.get("targets"))
        input_kind = "probabilities"
    target_kind = "labels" if "labels" in doc else extra.pop("targetKind", "soft")
    write(f"{name}.json", dump(doc))
    write(f"{name}.expected.json", dump(expected))
    meta = {"inputKind": input_kind, "targetKind": target_kind}
    if jacobian_samples:
        assert input_kind == "logits"
        write(f"{name}.jacobian.expected.json", dump(softmax_jacobians(doc["logits"], jacobian_samples)))
        meta["jacobian"] = f"{name}.jacobian.expected.json"
        meta["jacobianSamples"] = list(jacobian_samples)
    meta.update(extra)
    register(name, "classification", description, f"{name}.json", f"{name}.expected.json", **meta)
    return expected


def json_regression(name, description, predictions, targets):
    expected = regression(predictions, targets)
    write(f"{name}.json", dump({"predictions": predictions, "targets": targets}))
    write(f"{name}.expected.json", dump(expected))
    shape = list(np.asarray(predictions).shape)
    register(name, "regression", description, f"{name}.json", f"{name}.expected.json", shape=shape)


def json_network(name, description, layers, inputs, labels=None, targets=None, **extra):
    expected = network(layers, inputs, labels, targets)
    doc = {"network": {"layers": layers}, "inputs": inputs}
    if labels is not None:
        doc["labels"] = labels
    else:
        doc["targets"] = targets
    write(f"{name}.json", dump(doc))
    write(f"{name}.expected.json", dump(expected))
    head = "cross-entropy" if layers[-1]["activation"] == "softmax" else "mse"
    meta = {"depth": len(layers), "activations": [L["activation"] for L in layers], "head": head,
            "targetKind": "labels" if labels is not None else ("soft" if head == "cross-entropy" else "values")}
    meta.update(extra)
    register(name, "network", description, f"{name}.json", f"{name}.expected.json", **meta)


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([repr(float(v)) if isinstance(v, float) else str(v) for v in clean(list(r))])
    return buf.getvalue()


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------

def rand_layer(g, n_in, n_out, act, scale=0.8, bias=None):
    W = rnd(g.normal(0, scale, size=(n_out, n_in))).tolist()
    b = rnd(g.normal(0, 0.3, size=n_out)).tolist() if bias is None else bias
    return {"weights": W, "bias": b, "activation": act}


def soft_targets(g, N, K, denom=16):
    """Soft target rows made of multiples of 1/denom, so each row sums to exactly 1."""
    rows = []
    for _ in range(N):
        cuts = np.sort(g.integers(0, denom + 1, size=K - 1))
        parts = np.diff(np.concatenate([[0], cuts, [denom]]))
        rows.append((parts / denom).tolist())
    return rows


def build_cases():
    # ---- reference-document examples ------------------------------------
    doc_p = [[0.1, 0.7, 0.2], [0.3, 0.4, 0.3]]
    json_classification(
        "doc_example_probs_targets",
        "Literal example of ml-fundamentals-part2.md (predictions [[0.1,0.7,0.2],[0.3,0.4,0.3]], one-hot targets "
        "[[0,1,0],[1,0,0]]); clamp 1e-7 instead of the document's p + 1e-8 (differs by ~2e-8).",
        {"probabilities": doc_p, "targets": [[0, 1, 0], [1, 0, 0]]}, targetKind="onehot",
        numpyDocFormulaLoss=float(-np.sum(np.array([[0, 1, 0], [1, 0, 0]]) * np.log(np.array(doc_p) + 1e-8)) / 2))
    json_classification(
        "doc_example_probs_labels",
        "Same as doc_example_probs_targets with labels [1, 0].",
        {"probabilities": doc_p, "labels": [1, 0]})

    brief_p = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    e = json_classification(
        "example_probs_targets",
        "probabilities [[0.7,0.2,0.1],[0.1,0.8,0.1]], one-hot targets [[1,0,0],[0,1,0]]: loss = -(ln 0.7 + ln 0.8)/2 "
        "~= 0.2899. Note row 0 sums to 0.9999999999999999 in float64.",
        {"probabilities": brief_p, "targets": [[1, 0, 0], [0, 1, 0]], "classes": ["cat", "dog", "bird"]},
        targetKind="onehot")
    assert abs(e["loss"] - 0.2899) < 1e-4 and close(e["loss"], -(math.log(0.7) + math.log(0.8)) / 2)
    json_classification(
        "example_probs_labels",
        "Same as example_probs_targets with labels [0, 1].",
        {"probabilities": brief_p, "labels": [0, 1], "classes": ["cat", "dog", "bird"]})

    # ---- logits ---------------------------------------------------------
    g = rng(101)
    logits = rnd(g.normal(0, 2, size=(5, 3))).tolist()
    json_classification(
        "logits_labels_k3", "Random logits N=5 K=3 with labels and class names.",
        {"logits": logits, "labels": g.integers(0, 3, size=5).tolist(), "classes": ["cat", "dog", "bird"]},
        jacobian_samples=[0, 2, 4])

    g = rng(102)
    N, K = 6, 5
    lab = g.integers(0, K, size=N)
    json_classification(
        "logits_onehot_k5", "Random logits N=6 K=5 with one-hot targets.",
        {"logits": rnd(g.normal(0, 3, size=(N, K))).tolist(), "targets": np.eye(K, dtype=int)[lab].tolist()},
        targetKind="onehot", jacobian_samples=[1])

    g = rng(103)
    N, K = 5, 4
    json_classification(
        "logits_soft_k4", "Random logits N=5 K=4 with soft targets (multiples of 1/16, exact row sums).",
        {"logits": rnd(g.normal(0, 2, size=(N, K))).tolist(), "targets": soft_targets(g, N, K)})

    g = rng(104)
    json_classification(
        "logits_soft_decimal_k3",
        "Logits with soft targets written as decimals (0.1+0.2+0.7 rows, sums off by 1 ulp in float64); "
        "torch's probability-target CE, gradient = (p*sum(y) - y)/N.",
        {"logits": rnd(g.normal(0, 1.5, size=(3, 3))).tolist(),
         "targets": [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.25, 0.25, 0.5]]})

    extreme = [
        [1000.0, -1000.0, 0.0, 0.0],        # +-1000, label on the winner
        [1000.0, -1000.0, 0.0, 0.0],        # same row, label on the -1000 loser -> loss 2000
        [10000.0, -10000.0, 0.0, 1.0],      # +-1e4, label on the -1e4 loser -> loss 2e4
        [-10000.0, 10000.0, 10000.0, -5.0],  # tie at the top of a huge gap
        [0.0, 0.0, 0.0, 0.0],               # all equal -> uniform
        [10000.0, 10000.0, 10000.0, 10000.0],  # all equal, huge
        [-1000.0, -1000.0, -1000.0, -1000.0],  # all equal, very negative
        [3.0, 3.0, -3.0, 700.0],            # ties below a large winner, exp(-697) ~ 1e-303
        [0.0, -700.0, -745.0, -750.0],      # tiny / subnormal / underflowing probabilities
    ]
    ext_labels = [0, 1, 1, 2, 3, 0, 2, 0, 1]
    json_classification(
        "logits_extreme_labels",
        "Extreme logits: +-1000, +-1e4, huge gaps, ties, all-equal rows, subnormal probabilities; labels include "
        "the losing class (losses 2000, 2e4, 700).",
        {"logits": extreme, "labels": ext_labels}, jacobian_samples=[0, 2, 3, 4, 5, 7, 8])
    json_classification(
        "logits_extreme_onehot",
        "Same logits as logits_extreme_labels with one-hot targets (probability-target CE path).",
        {"logits": extreme, "targets": np.eye(4, dtype=int)[ext_labels].tolist()}, targetKind="onehot")
    json_classification(
        "logits_extreme_soft",
        "Same logits as logits_extreme_labels with soft targets (some mass on the -1e4 / -1000 classes).",
        {"logits": extreme,
         "targets": [[0.5, 0.5, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25], [0.0, 0.5, 0.5, 0.0],
                     [0.125, 0.125, 0.25, 0.5], [0.25, 0.25, 0.25, 0.25], [1.0, 0.0, 0.0, 0.0],
                     [0.5, 0.0, 0.0, 0.5], [0.0, 0.0, 0.5, 0.5]]})

    g = rng(105)
    json_classification(
        "logits_k2", "Binary K=2, N=6, labels.",
        {"logits": rnd(g.normal(0, 2, size=(6, 2))).tolist(), "labels": g.integers(0, 2, size=6).tolist()},
        jacobian_samples=[0])

    g = rng(106)
    N, K = 8, 10
    json_classification(
        "logits_k10", "K=10, N=8, labels, digit class names.",
        {"logits": rnd(g.normal(0, 2.5, size=(N, K))).tolist(), "labels": g.integers(0, K, size=N).tolist(),
         "classes": [str(i) for i in range(K)]},
        jacobian_samples=[0, 5])

    g = rng(107)
    N, K = 3, 50
    json_classification(
        "logits_k50_labels", "K=50, N=3, labels.",
        {"logits": rnd(g.normal(0, 3, size=(N, K))).tolist(), "labels": g.integers(0, K, size=N).tolist()},
        jacobian_samples=[1])
    g = rng(108)
    json_classification(
        "logits_k50_soft", "K=50, N=2, soft targets (multiples of 1/32).",
        {"logits": rnd(g.normal(0, 3, size=(2, K))).tolist(), "targets": soft_targets(g, 2, K, denom=32)})

    json_classification(
        "logits_n1", "Single sample N=1, K=4, label.",
        {"logits": [[2.0, -1.0, 0.5, 0.25]], "labels": [2]}, jacobian_samples=[0])
    json_classification(
        "logits_n1_soft", "Single sample N=1, K=3, soft target.",
        {"logits": [[-0.5, 1.5, 0.0]], "targets": [[0.25, 0.5, 0.25]]})

    # ---- probabilities --------------------------------------------------
    g = rng(109)
    N, K = 5, 4
    P = g.dirichlet(np.ones(K), size=N)
    P = rnd(P, 6)
    P[:, -1] = 1.0 - P[:, :-1].sum(axis=1)  # keep rows summing to 1 (up to an ulp)
    json_classification(
        "probs_labels", "Random probabilities N=5 K=4 (interior, no clamping) with labels.",
        {"probabilities": P.tolist(), "labels": g.integers(0, K, size=N).tolist()})

    json_classification(
        "probs_labels_clip",
        "Probabilities with exact 0 and 1 on the labelled class: clamp gives -log(1e-7) and -log(1-1e-7) and a "
        "zero gradient (outside [1e-7, 1-1e-7]).",
        {"probabilities": [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.2, 0.3, 0.5]],
         "labels": [0, 1, 0, 2]})

    json_classification(
        "probs_soft_clip",
        "Probabilities with exact 0 and 1 entries and soft targets including exact 0 and 1: clamping changes "
        "losses and zeroes the gradient at p = 0 and p = 1.",
        {"probabilities": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.25, 0.25, 0.5], [0.0, 0.0, 1.0]],
         "targets": [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.25, 0.75], [0.25, 0.25, 0.5], [1.0, 0.0, 0.0]]})

    json_classification(
        "probs_soft_interior", "Interior probabilities with decimal soft targets (no clamping).",
        {"probabilities": [[0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.05, 0.9, 0.05]],
         "targets": [[0.7, 0.2, 0.1], [0.0, 0.5, 0.5], [0.1, 0.8, 0.1]]})

    json_classification(
        "probs_clamp_boundary",
        "Entries exactly at the clamp bounds 1e-7 and 1-1e-7: torch.clamp passes the gradient at the bounds "
        "(inclusive), so dL/dp = -y/(N*p) there. Also 5e-8 (below) and 1-5e-8 (above) get zero gradient.",
        {"probabilities": [[1e-7, 1 - 1e-7], [1 - 1e-7, 1e-7], [5e-8, 1 - 5e-8], [1 - 5e-8, 5e-8]],
         "labels": [0, 0, 0, 0]}, boundaryConvention="inclusive")

    # ---- regression -----------------------------------------------------
    g = rng(110)
    pred = rnd(g.normal(0, 2, size=7))
    targ = rnd(pred + g.normal(0, 1, size=7))
    targ[3] = pred[3]  # one exact hit (zero residual, zero gradient)
    json_regression("regression_1d", "1-D predictions/targets N=7, one zero residual.", pred.tolist(), targ.tolist())

    g = rng(111)
    pred = rnd(g.normal(0, 3, size=(4, 3)))
    targ = rnd(g.normal(0, 3, size=(4, 3)))
    json_regression("regression_nd", "N x D = 4 x 3 predictions/targets; losses are per-sample mean over D.",
                    pred.tolist(), targ.tolist())

    json_regression("regression_n1", "Single 1-D sample.", [2.5], [-1.0])
    json_regression("regression_large", "Large-magnitude regression values (1e6 scale) N=3 x D=2.",
                    [[1.0e6, -2.5e6], [3.0e5, 0.0]], [[1.0e6 + 3.0, -2.0e6], [-3.0e5, 1.0e-3]])

    # ---- networks -------------------------------------------------------
    def inputs(g, N, d):
        return rnd(g.normal(0, 1, size=(N, d))).tolist()

    for seed, act in ((201, "relu"), (202, "sigmoid"), (203, "tanh"), (204, "linear")):
        g = rng(seed)
        layers = [rand_layer(g, 3, 4, act), rand_layer(g, 4, 3, "softmax")]
        json_network(f"net_{act}_softmax_labels",
                     f"Depth 2: 3 -> 4 ({act}) -> 3 (softmax), cross-entropy with labels, N=5.",
                     layers, inputs(g, 5, 3), labels=g.integers(0, 3, size=5).tolist())

    g = rng(205)
    layers = [rand_layer(g, 3, 4, "tanh"), rand_layer(g, 4, 3, "softmax")]
    json_network("net_tanh_softmax_soft", "Depth 2: 3 -> 4 (tanh) -> 3 (softmax), cross-entropy with soft targets.",
                 layers, inputs(g, 4, 3), targets=soft_targets(g, 4, 3, denom=8))

    g = rng(206)
    layers = [rand_layer(g, 2, 3, "sigmoid"), rand_layer(g, 3, 2, "linear")]
    json_network("net_sigmoid_linear_mse", "Depth 2: 2 -> 3 (sigmoid) -> 2 (linear), MSE head.",
                 layers, inputs(g, 5, 2), targets=rnd(g.normal(0, 1, size=(5, 2))).tolist())

    g = rng(207)
    layers = [rand_layer(g, 3, 4, "relu"), rand_layer(g, 4, 1, "sigmoid")]
    json_network("net_relu_sigmoid_mse", "Depth 2: 3 -> 4 (relu) -> 1 (sigmoid), MSE head with 0/1 targets.",
                 layers, inputs(g, 6, 3), targets=[[float(v)] for v in g.integers(0, 2, size=6)])

    g = rng(208)
    layers = [rand_layer(g, 2, 3, "linear"), rand_layer(g, 3, 2, "sigmoid")]
    json_network("net_linear_sigmoid_mse", "Depth 2: 2 -> 3 (linear) -> 2 (sigmoid), MSE head with soft targets.",
                 layers, inputs(g, 4, 2), targets=rnd(g.uniform(0, 1, size=(4, 2)), 3).tolist())

    g = rng(209)
    json_network("net_depth1_softmax_labels", "Depth 1: 4 -> 3 (softmax) = multinomial logistic regression, labels.",
                 [rand_layer(g, 4, 3, "softmax")], inputs(g, 5, 4), labels=g.integers(0, 3, size=5).tolist())
    g = rng(210)
    json_network("net_depth1_softmax_soft", "Depth 1: 2 -> 3 (softmax), soft targets.",
                 [rand_layer(g, 2, 3, "softmax")], inputs(g, 3, 2), targets=soft_targets(g, 3, 3, denom=4))
    g = rng(211)
    json_network("net_depth1_linear_mse", "Depth 1: 3 -> 2 (linear) = linear regression, MSE.",
                 [rand_layer(g, 3, 2, "linear")], inputs(g, 4, 3), targets=rnd(g.normal(0, 1, size=(4, 2))).tolist())
    g = rng(212)
    json_network("net_depth1_sigmoid_mse_n1", "Depth 1: 3 -> 1 (sigmoid), MSE, single sample N=1.",
                 [rand_layer(g, 3, 1, "sigmoid")], inputs(g, 1, 3), targets=[[1.0]])

    g = rng(213)
    layers = [rand_layer(g, 4, 5, "relu"), rand_layer(g, 5, 4, "tanh"), rand_layer(g, 4, 3, "softmax")]
    json_network("net_depth3_relu_tanh_softmax_labels",
                 "Depth 3: 4 -> 5 (relu) -> 4 (tanh) -> 3 (softmax), labels, N=6.",
                 layers, inputs(g, 6, 4), labels=g.integers(0, 3, size=6).tolist())
    g = rng(214)
    layers = [rand_layer(g, 3, 4, "sigmoid"), rand_layer(g, 4, 4, "linear"), rand_layer(g, 4, 2, "softmax")]
    json_network("net_depth3_sigmoid_linear_softmax_soft",
                 "Depth 3: 3 -> 4 (sigmoid) -> 4 (linear) -> 2 (softmax), soft targets.",
                 layers, inputs(g, 4, 3), targets=soft_targets(g, 4, 2, denom=8))
    g = rng(215)
    layers = [rand_layer(g, 2, 4, "tanh"), rand_layer(g, 4, 3, "relu"), rand_layer(g, 3, 2, "linear")]
    json_network("net_depth3_tanh_relu_linear_mse",
                 "Depth 3: 2 -> 4 (tanh) -> 3 (relu) -> 2 (linear), MSE head.",
                 layers, inputs(g, 5, 2), targets=rnd(g.normal(0, 1, size=(5, 2))).tolist())

    # ReLU network with dead units: units 1 and 3 of the hidden layer have bias -50 and small
    # weights, so z < 0 for every input; their weight rows/bias get exactly zero gradient, and so
    # do the matching columns of the next layer's weights.
    g = rng(216)
    L1 = rand_layer(g, 3, 4, "relu")
    for u in (1, 3):
        L1["bias"][u] = -50.0
        L1["weights"][u] = rnd(g.uniform(-1, 1, size=3)).tolist()
    L2 = rand_layer(g, 4, 3, "softmax")
    x = inputs(g, 6, 3)
    json_network("net_relu_dead_units",
                 "Depth 2: 3 -> 4 (relu) -> 3 (softmax), labels; hidden units 1 and 3 are dead (bias -50): "
                 "zero gradient for their weights/bias and for the next layer's columns 1 and 3.",
                 [L1, L2], x, labels=g.integers(0, 3, size=6).tolist(), deadUnits={"layer": 0, "units": [1, 3]})
    exp = json.load(open(os.path.join(OUT, "net_relu_dead_units.expected.json")))
    for u in (1, 3):
        assert all(v == 0.0 for v in exp["gradients"][0]["weights"][u]) and exp["gradients"][0]["bias"][u] == 0.0
        assert all(row[u] == 0.0 for row in exp["gradients"][1]["weights"])
        assert all(row[u] == 0.0 for row in exp["activations"][0])
    assert any(v != 0.0 for v in exp["gradients"][0]["bias"]), "live units should have gradient"

    g = rng(217)
    L1 = rand_layer(g, 2, 3, "relu")
    L1["bias"][0] = -40.0
    L1["weights"][0] = [0.5, -0.5]
    json_network("net_relu_dead_units_mse",
                 "Depth 2: 2 -> 3 (relu, unit 0 dead) -> 1 (linear), MSE head.",
                 [L1, rand_layer(g, 3, 1, "linear")], inputs(g, 5, 2),
                 targets=rnd(g.normal(0, 1, size=(5, 1))).tolist(), deadUnits={"layer": 0, "units": [0]})

    # ---- CSV ------------------------------------------------------------
    g = rng(301)
    N, K = 5, 3
    lg = rnd(g.normal(0, 2, size=(N, K)))
    lab = g.integers(0, K, size=N)
    write("csv_logits_label.csv",
          csv_text([f"logit_{k}" for k in range(K)] + ["label"], [list(r) + [int(l)] for r, l in zip(lg, lab)]))
    write("csv_logits_label.expected.json", dump(classification_from_logits(lg.tolist(), labels=lab.tolist())))
    register("csv_logits_label", "classification", "CSV logit_0..logit_2,label; N=5 K=3.",
             "csv_logits_label.csv", "csv_logits_label.expected.json", inputKind="logits", targetKind="labels")

    P = [[0.7, 0.2, 0.1], [0.0, 1.0, 0.0], [0.25, 0.5, 0.25], [0.125, 0.125, 0.75]]
    Y = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.25, 0.25, 0.5]]
    write("csv_prob_targets.csv",
          csv_text([f"prob_{k}" for k in range(3)] + [f"target_{k}" for k in range(3)], [p + y for p, y in zip(P, Y)]))
    write("csv_prob_targets.expected.json", dump(classification_from_probabilities(P, targets=Y)))
    register("csv_prob_targets", "classification",
             "CSV prob_0..2,target_0..2 with soft targets and exact 0/1 probabilities (clamping).",
             "csv_prob_targets.csv", "csv_prob_targets.expected.json", inputKind="probabilities", targetKind="soft")

    g = rng(302)
    pr = rnd(g.normal(0, 1, size=6))
    tg = rnd(pr + g.normal(0, 0.5, size=6))
    write("csv_regression.csv", csv_text(["prediction", "target"], zip(pr.tolist(), tg.tolist())))
    write("csv_regression.expected.json", dump(regression(pr.tolist(), tg.tolist())))
    register("csv_regression", "regression", "CSV prediction,target; N=6.",
             "csv_regression.csv", "csv_regression.expected.json", shape=[6])


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):  # remove stale outputs of earlier runs (only our own file types)
        if f.endswith(".json") or f.endswith(".csv"):
            os.remove(os.path.join(OUT, f))

    # the clamp-gradient convention this data relies on
    p = t([EPS, 1 - EPS, 0.0, 1.0, 0.5]).requires_grad_(True)
    (gp,) = torch.autograd.grad(torch.clamp(p, EPS, 1 - EPS).sum(), p)
    assert gp.tolist() == [1.0, 1.0, 0.0, 0.0, 1.0], "unexpected torch.clamp gradient convention"

    build_cases()

    names = [c["name"] for c in INDEX]
    assert len(names) == len(set(names))
    index = {
        "description": "PyTorch float64 golden reference data for Gradient Lens "
                       "(generated by test/reference/make_reference.py; do not edit by hand).",
        "generator": "test/reference/make_reference.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "dtype": "float64",
        "reduction": "mean",
        "probabilityClamp": [EPS, 1 - EPS],
        "clampGradient": "inclusive: gradient passes where 1e-7 <= p <= 1-1e-7, zero outside",
        "reluGradientAtZero": 0.0,
        "suggestedTolerance": {"relative": 1e-9, "absolute": 1e-12},
        "cases": INDEX,
    }
    write("index.json", json.dumps(index, indent=1, allow_nan=False) + "\n")

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    assert total < 1_000_000, f"reference folder too large: {total} bytes"
    print(f"wrote {len(INDEX)} cases, {len(os.listdir(OUT))} files, {total} bytes to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
