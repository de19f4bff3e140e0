#!/usr/bin/env python3
"""PyTorch's side of the whole-process check in bench/startup.sh: what `softalign train --epochs 2`
does after start-up, in PyTorch, timed per epoch.

Each epoch does what softalign's trainer does: a shuffled pass over the whole training split in
batches of 128 (the last one partial), with the running loss and accuracy of the batches, then a
test-split evaluation and a checkpoint (model and optimiser state, saved atomically). BP,
784-256-256-10, ReLU, cross-entropy, SGD lr 0.01 momentum 0.9, He initialisation, inputs in [0,1].
Loading the data and importing torch are start-up and are not timed, as `train --epochs 0` takes
softalign's start-up off its figure.

Usage: torch_train.py --data DIR [--dtype f32|f64] [--epochs 2] [--threads 2] [--out DIR]
Prints one line per epoch and a last line "epochs E: S s".
"""
import argparse
import os
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import BATCH, LR, MOMENTUM, Mlp, load  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--dtype", default="f64", choices=["f32", "f64"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float32 if a.dtype == "f32" else torch.float64
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    xtr, xte = xtr.to(dtype), xte.to(dtype)
    torch.manual_seed(1)
    net = Mlp(2, "bp", dtype)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    out = a.out or tempfile.mkdtemp()
    n = xtr.shape[0]
    total = 0.0
    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(n)
        loss_sum, correct = 0.0, 0
        for i in range(0, n, BATCH):
            idx = order[i:i + BATCH]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad(set_to_none=True)
            z = net(xb)
            loss = torch.nn.functional.cross_entropy(z, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (z.argmax(1) == yb).sum().item()
        with torch.no_grad():
            zt = net(xte)
            test_loss = torch.nn.functional.cross_entropy(zt, yte).item()
            test_acc = (zt.argmax(1) == yte).double().mean().item()
        tmp = os.path.join(out, "checkpoint.pt.tmp")
        torch.save({"model": net.state_dict(), "optimizer": opt.state_dict()}, tmp)
        os.replace(tmp, os.path.join(out, "checkpoint.pt"))
        seconds = time.perf_counter() - start
        total += seconds
        print(f"epoch {epoch}: train loss {loss_sum / n:.4f} acc {correct / n:.4f}, "
              f"test loss {test_loss:.4f} acc {test_acc:.4f}, {seconds:.2f} s", flush=True)
    print(f"epochs {a.epochs}: {total:.2f} s")


if __name__ == "__main__":
    main()
