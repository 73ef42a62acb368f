"""Trains a tiny classifier on synthetic data for 50 steps and records the run for Gradient Lens.

    python3 examples/train_tiny.py              # writes runs/tiny/ (relative to the current folder)
    python3 examples/train_tiny.py runs/other   # another folder
    python3 examples/train_tiny.py --delay 0.5  # one step every half second, to watch the run live

Then open the folder in the editor (Gradient Lens: Open Training Run) or run
`gradient-lens run runs/tiny`. Needs PyTorch and NumPy; deterministic (seeded).
"""
import argparse
import os
import sys
import time

# Use the package from this repository (python/gradient_lens), so a fresh clone needs no install.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import gradient_lens as gl  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("train_tiny.py needs PyTorch (pip install torch, or apt install python3-torch on Debian)")

CLASSES = ["circle", "square", "triangle"]


def make_data(generator, n_per_class=200, dim=4):
    """Three overlapping Gaussian blobs, one per class."""
    centres = torch.tensor([[1.5, 0.0, 0.5, -0.5], [-1.0, 1.2, -0.5, 0.5], [-0.5, -1.5, 0.0, 1.0]])
    x = torch.cat([centres[k] + torch.randn(n_per_class, dim, generator=generator) for k in range(3)])
    y = torch.arange(3).repeat_interleave(n_per_class)
    order = torch.randperm(len(y), generator=generator)
    return x[order], y[order]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join("runs", "tiny"), help="run folder (default runs/tiny)")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait after each step")
    args = parser.parse_args()

    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(2026)
    x, y = make_data(generator)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    with gl.Run(args.dir, model=model, classes=CLASSES, overwrite=True) as run:
        for step in range(args.steps):
            start = (step * args.batch) % (len(y) - args.batch + 1)
            xb, yb = x[start:start + args.batch], y[start:start + args.batch]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            optimiser.zero_grad()
            loss.backward()
            run.log(step, logits=logits, labels=yb, loss=loss)
            optimiser.step()
            if step % 10 == 0 or step == args.steps - 1:
                print(f"step {step:3d}  loss {loss.item():.4f}")
            if args.delay > 0:
                time.sleep(args.delay)
    print(f"wrote {args.steps} steps to {os.path.join(args.dir, 'run.jsonl')}")


if __name__ == "__main__":
    main()
