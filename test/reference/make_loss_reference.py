#!/usr/bin/python3
"""PyTorch golden data for the named losses (issue 19), float64, autograd.

    /usr/bin/python3 test/reference/make_loss_reference.py

Writes test/fixtures/loss-reference.json: one case per loss and option combination. Each case
holds the input file as Gradient Lens reads it (`file`: a JSON object with its top-level "loss"),
an optional `cli` list of flags, and what torch gives:

  * `loss`: the reduced loss (torch's reduction="mean" — weighted mean over the weights of the
    samples not ignored, "batchmean" for kl_div — or the sum, see below);
  * `losses`: torch's reduction="none", averaged over the outputs for the elementwise losses
    (binary_cross_entropy[_with_logits], mse, l1, smooth_l1, huber), summed over the classes for
    kl_div;
  * `gradient`: autograd's gradient of `loss` w.r.t. the file's input tensor.

"sum" is torch's reduction="sum" for every named loss: Σ_i losses_i for the class losses, and the
sum of all N × D terms for the elementwise ones (D times Σ_i losses_i, since a sample's `losses`
entry is a mean over its outputs).

Deterministic: fixed seeds, no timestamps; byte-identical on the same torch and numpy.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "loss-reference.json"))
CASES = []


def clean(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().tolist()
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, float):
        assert math.isfinite(x), x
        return 0.0 if x == 0 else x
    return x


def gen(seed):
    g = torch.Generator().manual_seed(seed)
    return g


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g) * scale


def add(name, file, input_key, per_sample, reduced, cli=None, reduction="mean"):
    """per_sample(x) -> N losses; reduced(x) -> the scalar whose gradient is checked."""
    x = torch.tensor(file[input_key], requires_grad=True)
    losses = per_sample(x)
    loss = reduced(x)
    loss.backward()
    grad = x.grad
    assert torch.isfinite(grad).all() and torch.isfinite(losses).all(), name
    case = {"name": name, "file": file, "reduction": reduction, "loss": clean(loss.item()), "losses": clean(losses), "gradient": clean(grad)}
    if cli:
        case["cli"] = cli
    CASES.append(case)


def soft_rows(g, n, k, zero_every=0):
    t = torch.rand(n, k, generator=g)
    if zero_every:
        t[torch.arange(n * k).reshape(n, k) % zero_every == 0] = 0.0
    return t / t.sum(1, keepdim=True)


# ---- cross_entropy ----------------------------------------------------------------------------
def cross_entropy_cases():
    g = gen(19)
    n, k = 6, 4
    z = randn(g, n, k, scale=2.0)
    labels = [0, 3, -100, 1, 2, 3]
    w = [0.5, 2.0, 1.0, 3.0]
    y = torch.tensor(labels)
    wt = torch.tensor(w)

    def ce(x, red, **o):
        return F.cross_entropy(x, y, reduction=red, **o)

    def both(name, options, reduction="mean", zz=z, lab=labels, yy=y):
        loss = {"name": "cross_entropy", **options, **({"reduction": "sum"} if reduction == "sum" else {})}
        o = {k2: (torch.tensor(v) if isinstance(v, list) else v) for k2, v in options.items()}
        red = "sum" if reduction == "sum" else "mean"
        add(name, {"loss": loss, "logits": zz.tolist(), "labels": lab}, "logits",
            lambda x: F.cross_entropy(x, yy, reduction="none", **o), lambda x: F.cross_entropy(x, yy, reduction=red, **o), reduction=reduction)

    both("ce_weight", {"weight": w})
    both("ce_ignore_default", {})
    both("ce_ignore_weight", {"weight": w})
    lab2 = [0, 3, 2, 1, 2, 3]
    both("ce_ignore_index_2_weight", {"weight": w, "ignore_index": 2}, lab=lab2, yy=torch.tensor(lab2))
    both("ce_smoothing", {"label_smoothing": 0.1})
    both("ce_smoothing_weight_ignore", {"label_smoothing": 0.25, "weight": w})
    both("ce_smoothing_weight_ignore_sum", {"label_smoothing": 0.25, "weight": w}, reduction="sum")
    both("ce_smoothing_one", {"label_smoothing": 1.0})
    big = torch.tensor([[1000.0, -1000.0, 0.0, 999.0], [-1000.0, 1000.0, 1000.0, -999.5]] + z[:4].tolist())
    both("ce_large_logits_smoothing_weight", {"label_smoothing": 0.1, "weight": w}, zz=big, lab=labels, yy=y)

    # soft targets (probabilities): no ignore_index; the mean is over N, weighted or not
    t = soft_rows(g, n, k, zero_every=3)
    for name, options in [("ce_soft_smoothing", {"label_smoothing": 0.2}), ("ce_soft_smoothing_weight", {"label_smoothing": 0.2, "weight": w}),
                          ("ce_soft_weight", {"weight": w})]:
        o = {k2: (torch.tensor(v) if isinstance(v, list) else v) for k2, v in options.items()}
        add(name, {"loss": {"name": "cross_entropy", **options}, "logits": z.tolist(), "targets": t.tolist()}, "logits",
            lambda x, o=o: F.cross_entropy(x, t, reduction="none", **o), lambda x, o=o: F.cross_entropy(x, t, **o))
    # the same options from the command line instead of the file
    add("ce_cli_flags", {"logits": z.tolist(), "labels": labels}, "logits",
        lambda x: F.cross_entropy(x, y, weight=wt, label_smoothing=0.1, reduction="none"),
        lambda x: F.cross_entropy(x, y, weight=wt, label_smoothing=0.1),
        cli=["--loss", "cross_entropy", "--label-smoothing", "0.1", "--weight", ",".join(repr(v) for v in w)])


# ---- nll, kl_div -----------------------------------------------------------------------------
def log_probability_cases():
    g = gen(20)
    n, k = 5, 3
    lp = F.log_softmax(randn(g, n, k, scale=1.5), dim=1)
    labels = [2, 0, -100, 1, 1]
    y = torch.tensor(labels)
    w = [2.0, 0.5, 1.5]
    wt = torch.tensor(w)
    add("nll", {"loss": "nll", "log_probabilities": lp.tolist(), "labels": labels}, "log_probabilities",
        lambda x: F.nll_loss(x, y, reduction="none"), lambda x: F.nll_loss(x, y))
    add("nll_weight_ignore", {"loss": {"name": "nll", "weight": w}, "log_probabilities": lp.tolist(), "labels": labels}, "log_probabilities",
        lambda x: F.nll_loss(x, y, weight=wt, reduction="none"), lambda x: F.nll_loss(x, y, weight=wt))
    add("nll_weight_sum", {"loss": {"name": "nll", "weight": w, "reduction": "sum"}, "log_probabilities": lp.tolist(), "labels": labels}, "log_probabilities",
        lambda x: F.nll_loss(x, y, weight=wt, reduction="none"), lambda x: F.nll_loss(x, y, weight=wt, reduction="sum"), reduction="sum")
    t = soft_rows(g, n, k, zero_every=2)  # zero targets: 0·log 0 = 0
    add("kl_div_zero_targets", {"loss": "kl_div", "log_probabilities": lp.tolist(), "targets": t.tolist()}, "log_probabilities",
        lambda x: F.kl_div(x, t, reduction="none").sum(1), lambda x: F.kl_div(x, t, reduction="batchmean"))
    add("kl_div_sum", {"loss": {"name": "kl_div", "reduction": "sum"}, "log_probabilities": lp.tolist(), "targets": t.tolist()}, "log_probabilities",
        lambda x: F.kl_div(x, t, reduction="none").sum(1), lambda x: F.kl_div(x, t, reduction="sum"), reduction="sum")


# ---- binary cross-entropy ----------------------------------------------------------------------
def elementwise(fn, reduction):
    """(per-sample, reduced) for an elementwise loss: mean over outputs; torch's own "mean" or "sum"."""
    per = lambda x: fn(x, "none").reshape(x.shape[0], -1).mean(1)
    red = lambda x: fn(x, reduction)
    return per, red


def binary_cases():
    g = gen(21)
    n, k = 5, 4
    z = randn(g, n, k, scale=2.0)
    t = (torch.rand(n, k, generator=g) > 0.5).double()
    t[0, 1] = 0.3  # a soft target
    q = [1.0, 3.0, 0.5, 2.0]
    w = [1.0, 0.25, 2.0, 1.0]
    for name, options, reduction in [("bce_logits", {}, "mean"), ("bce_logits_pos_weight", {"pos_weight": q}, "mean"),
                                     ("bce_logits_pos_weight_scalar", {"pos_weight": [2.5]}, "mean"),
                                     ("bce_logits_weight_pos_weight_sum", {"pos_weight": q, "weight": w}, "sum")]:
        o = {k2: torch.tensor(v) for k2, v in options.items()}
        per, red = elementwise(lambda x, r, o=o: F.binary_cross_entropy_with_logits(x, t, reduction=r, **o), reduction)
        loss = {"name": "binary_cross_entropy_with_logits", **options}
        if reduction == "sum":
            loss["reduction"] = "sum"
        add(name, {"loss": loss, "logits": z.tolist(), "targets": t.tolist()}, "logits", per, red, reduction=reduction)
    # the sigmoid's Jacobian of sample 2: diagonal σ(1 − σ) (autograd, not the closed form)
    CASES[-1]["jacobian"] = {"sample": 2, "jacobian": clean(torch.autograd.functional.jacobian(torch.sigmoid, z[2]))}
    big = torch.tensor([[1000.0, -1000.0, 800.0, -0.5], [-1000.0, 1000.0, 30.0, -40.0], [500.0, -500.0, 0.0, 1e-3]])
    tb = torch.tensor([[1.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.5, 1.0], [0.25, 0.75, 1.0, 0.0]])
    o = {"pos_weight": torch.tensor(q)}
    per, red = elementwise(lambda x, r: F.binary_cross_entropy_with_logits(x, tb, reduction=r, **o), "mean")
    add("bce_logits_large_pos_weight", {"loss": {"name": "binary_cross_entropy_with_logits", "pos_weight": q}, "logits": big.tolist(), "targets": tb.tolist()},
        "logits", per, red)
    # one logit per sample written as a flat list, targets as a list: an N × 1 column
    z1 = randn(g, 6)
    t1 = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    add("bce_logits_binary_column", {"loss": "binary_cross_entropy_with_logits", "logits": z1.tolist(), "targets": t1.tolist()}, "logits",
        lambda x: F.binary_cross_entropy_with_logits(x, t1, reduction="none"), lambda x: F.binary_cross_entropy_with_logits(x, t1))

    p = torch.sigmoid(randn(g, n, k, scale=2.0))
    per, red = elementwise(lambda x, r: F.binary_cross_entropy(x, t, reduction=r), "mean")
    add("bce", {"loss": "binary_cross_entropy", "probabilities": p.tolist(), "targets": t.tolist()}, "probabilities", per, red)
    wt = torch.tensor(w)
    per, red = elementwise(lambda x, r: F.binary_cross_entropy(x, t, weight=wt.expand(n, k), reduction=r), "mean")
    add("bce_weight", {"loss": {"name": "binary_cross_entropy", "weight": w}, "probabilities": p.tolist(), "targets": t.tolist()}, "probabilities", per, red)
    # torch's clamp of the log at −100 (p = 0 or 1 against the other target) and its 1e-12 floor in the backward
    pc = torch.tensor([[0.0, 1.0, 1e-50, 0.5], [1.0, 0.0, 1.0 - 1e-16, 1e-300]])
    tc = torch.tensor([[1.0, 0.0, 1.0, 0.5], [1.0, 0.0, 0.0, 1.0]])
    per, red = elementwise(lambda x, r: F.binary_cross_entropy(x, tc, reduction=r), "mean")
    add("bce_clamp", {"loss": "binary_cross_entropy", "probabilities": pc.tolist(), "targets": tc.tolist()}, "probabilities", per, red)


# ---- regression -----------------------------------------------------------------------------------
def regression_cases():
    g = gen(22)
    n, d = 6, 3
    yhat = randn(g, n, d)
    y = randn(g, n, d)
    # kinks: differences of exactly 0, ±0.5, ±1, ±2 (exact in binary)
    kink_hat = torch.tensor([[0.25, 1.75, -1.0], [3.0, -0.5, 0.0], [1.5, 2.0, -2.25], [0.0, 0.0, 0.0]])
    kink_y = torch.tensor([[0.25, 0.75, -0.5], [1.0, 0.0, 0.0], [0.5, 2.0, -0.25], [0.5, -1.0, 2.0]])
    specs = [
        ("mse", {"name": "mse"}, lambda a, b, r: F.mse_loss(a, b, reduction=r)),
        ("l1", {"name": "l1"}, lambda a, b, r: F.l1_loss(a, b, reduction=r)),
        ("smooth_l1", {"name": "smooth_l1"}, lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r)),
        ("smooth_l1_beta_half", {"name": "smooth_l1", "beta": 0.5}, lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.5)),
        ("smooth_l1_beta_zero", {"name": "smooth_l1", "beta": 0.0}, lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0)),
        ("huber", {"name": "huber"}, lambda a, b, r: F.huber_loss(a, b, reduction=r)),
        ("huber_delta_2", {"name": "huber", "delta": 2.0}, lambda a, b, r: F.huber_loss(a, b, reduction=r, delta=2.0)),
    ]
    for name, loss, fn in specs:
        for suffix, a, b in [("", yhat, y), ("_at_kink", kink_hat, kink_y)]:
            per, red = elementwise(lambda x, r, fn=fn, b=b: fn(x, b, r), "mean")
            add(name + suffix, {"loss": loss, "predictions": a.tolist(), "targets": b.tolist()}, "predictions", per, red)
        per, red = elementwise(lambda x, r, fn=fn: fn(x, y, r), "sum")
        add(name + "_sum", {"loss": {**loss, "reduction": "sum"}, "predictions": yhat.tolist(), "targets": y.tolist()}, "predictions", per, red, reduction="sum")
    # a vector of predictions and the CLI's flags
    v_hat = torch.tensor([0.5, 2.0, -1.0, 4.0])
    v_y = torch.tensor([0.0, 0.5, -1.0, 1.0])
    add("huber_vector_cli", {"predictions": v_hat.tolist(), "targets": v_y.tolist()}, "predictions",
        lambda x: F.huber_loss(x, v_y, reduction="none", delta=1.5), lambda x: F.huber_loss(x, v_y, delta=1.5), cli=["--loss", "huber", "--delta", "1.5"])


cross_entropy_cases()
log_probability_cases()
binary_cases()
regression_cases()

# Independent checks of a few closed forms, so a mistake in the harness itself shows.
ce = [c for c in CASES if c["name"] == "ce_ignore_default"][0]
assert ce["gradient"][2] == [0.0] * 4, "an ignored sample has no gradient"
bce = [c for c in CASES if c["name"] == "bce_clamp"][0]
assert abs(bce["losses"][0] - (100 + 100 + 100 + math.log(2)) / 4) < 1e-12, bce["losses"][0]
l1 = [c for c in CASES if c["name"] == "l1_at_kink"][0]
assert l1["gradient"][0][0] == 0.0, "torch's subgradient of |d| at 0 is 0"

doc = {
    "generator": "test/reference/make_loss_reference.py",
    "torch": torch.__version__,
    "suggestedTolerance": {"relative": 1e-9, "absolute": 1e-12},
    "cases": CASES,
}
dump = lambda v: json.dumps(v, separators=(",", ":"), allow_nan=False)
head = dump({**doc, "cases": []})[:-3]  # one case a line, for readable diffs
text = head + '[\n' + ",\n".join(dump(c) for c in CASES) + "\n]}\n"
assert json.loads(text) == json.loads(dump(doc))
assert len(text) < 200_000, len(text)
with open(OUT, "w") as f:
    f.write(text)
print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT)} ({len(text)} bytes)")
