"""Per-step overhead of run.log for small MLPs, against the training step itself, in the same run.

    /usr/bin/python3 python/bench_log.py [--steps 300] [--threads 1]

Each step times the training step (forward, loss, backward, optimiser step) and, separately, the
run.log call between backward and step (batch of 256 logged rows, norms of every parameter, the
gradients up to 65,536 values, one .npz and one manifest line in a temporary folder). Medians (and
the fastest and 90th-percentile log) over the steps after a warm-up; the machine is shared, so
compare the columns of one run rather than absolute times across runs.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gradient_lens as gl  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CONFIGS = [  # (name, input, hidden, classes, batch)
    ("MLP 64-128-10, batch 256", 64, 128, 10, 256),
    ("MLP 784-256-10, batch 256", 784, 256, 10, 256),
]


def measure(inputs, hidden, classes, batch, steps, warmup, folder):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(inputs, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes))
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, inputs)
    y = torch.randint(0, classes, (batch,))
    train, log = [], []
    with gl.Run(folder, model=model) as run:
        for step in range(steps + warmup):
            t0 = time.perf_counter()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimiser.zero_grad()
            loss.backward()
            t1 = time.perf_counter()
            run.log(step, logits=logits, labels=y, loss=loss)
            t2 = time.perf_counter()
            optimiser.step()
            t3 = time.perf_counter()
            if step >= warmup:
                train.append((t1 - t0) + (t3 - t2))
                log.append(t2 - t1)
    size = sum(os.path.getsize(os.path.join(folder, "steps", f)) for f in os.listdir(os.path.join(folder, "steps"))) / (steps + warmup)
    params = sum(p.numel() for p in model.parameters())
    return statistics.median(train), statistics.median(log), min(log), sorted(log)[int(0.9 * len(log))], size, params


def main():
    parser = argparse.ArgumentParser(description="run.log overhead per step")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1: steadier on a shared machine)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), median of {args.steps} steps after {args.warmup} warm-up")
    print(f"{'model':28} {'params':>8} {'train step':>11} {'run.log':>9} {'log min':>9} {'log p90':>9} {'log/train':>10} {'.npz/step':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, inputs, hidden, classes, batch) in enumerate(CONFIGS):
            train, log, fastest, p90, size, params = measure(inputs, hidden, classes, batch, args.steps, args.warmup, os.path.join(tmp, str(i)))
            print(f"{name:28} {params:8d} {train * 1e3:9.2f}ms {log * 1e3:7.2f}ms {fastest * 1e3:7.2f}ms {p90 * 1e3:7.2f}ms {log / train:9.2f}× {size / 1024:8.0f}KB")


if __name__ == "__main__":
    main()
