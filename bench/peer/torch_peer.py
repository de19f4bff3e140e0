#!/usr/bin/env python3
"""PyTorch side of `softalign bench --peer torch`: the same workloads as softalign's bench, timed
the same way, in one process with a fixed thread count.

softalign starts this script and reads its standard output. Protocol: every line that starts with
"softalign-peer " carries one JSON object after that prefix; all other lines are ignored.
  {"type": "peer", "name": "torch", "version": ..., "blas": ..., "threads": ..., "python": ...}
      once, first: what ran, and which BLAS library torch loaded
  {"type": "result", "work": ID, "dtype": "f32"|"f64", "value": X, "unit": "samples/s"|"ms"}
      one per workload and dtype
  {"type": "error", "work": ID, "dtype": ..., "message": ...}
      a workload that could not run (the others still do)
The work IDs, their shapes and their timing rules are those of softalign's bench (the Java class
dev.softalign.bench.Workload); see README.md beside this file.

Usage: torch_peer.py --data DIR --threads 2 --dtypes f32,f64 --work train-bp-d2,hvp-d2,... [--rounds N]
DIR holds the four IDX files (raw or .gz) of a 10-class 28x28 dataset.
"""
import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time

import torch

PREFIX = "softalign-peer "
WIDTH = 256
BATCH = 128
LR = 0.01
MOMENTUM = 0.9
SUBSET = 1000          # samples of the test split for the HVP and PGD workloads
PGD_EPS = 0.1
PGD_STEPS = 20
PGD_ALPHA = 2.5 * PGD_EPS / PGD_STEPS   # softalign's Pgd.defaultAlpha
HVP_WARMUP = 10        # products before the timed ones (softalign's Workload.HVP_WARMUP)


def emit(obj):
    print(PREFIX + json.dumps(obj), flush=True)


def read_idx(path):
    for p in (path, path + ".gz"):
        if os.path.isfile(p):
            with open(p, "rb") as f:
                raw = f.read()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            magic, = struct.unpack(">I", raw[:4])
            ndim = magic & 0xff
            dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
            data = torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8)
            return data.reshape(dims)
    raise FileNotFoundError(path + "(.gz)")


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data_dir, prefix + "-images-idx3-ubyte"))
    y = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte"))
    return x.reshape(x.shape[0], -1).to(torch.float64) / 255.0, y.to(torch.int64)


class FeedbackLinear(torch.autograd.Function):
    """y = x W^T + b whose backward sends the error through a fixed feedback matrix B, not W."""

    @staticmethod
    def forward(ctx, x, weight, bias, feedback):
        ctx.save_for_backward(x, feedback)
        return torch.addmm(bias, x, weight.t())

    @staticmethod
    def backward(ctx, grad):
        x, feedback = ctx.saved_tensors
        return grad.mm(feedback), grad.t().mm(x), grad.sum(0), None


class Mlp(torch.nn.Module):
    def __init__(self, depth, rule, dtype):
        super().__init__()
        sizes = [784] + [WIDTH] * depth + [10]
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b, dtype=dtype) for a, b in zip(sizes, sizes[1:]))
        for layer in self.layers:   # He initialisation, as softalign's
            torch.nn.init.normal_(layer.weight, 0.0, (2.0 / layer.in_features) ** 0.5)
            torch.nn.init.zeros_(layer.bias)
        self.rule = rule
        self.feedback = [torch.randn_like(l.weight) * (2.0 / l.in_features) ** 0.5 for l in self.layers]

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            if self.rule == "fa":
                x = FeedbackLinear.apply(x, layer.weight, layer.bias, self.feedback[i])
            else:
                x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x


def train_rate(rule, depth, dtype, x, y, rounds):
    """Samples/s of the training loop (no evaluation), best of `rounds` epochs after one warm-up epoch."""
    torch.manual_seed(1)
    net = Mlp(depth, rule, dtype)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    x = x.to(dtype)
    n = x.shape[0] - x.shape[0] % BATCH
    best = 0.0
    for epoch in range(rounds + 1):
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(net(x[i:i + BATCH]), y[i:i + BATCH])
            loss.backward()
            opt.step()
        rate = n / (time.perf_counter() - start)
        if epoch > 0:
            best = max(best, rate)
    return best


def hvp_millis(dtype, x, y, reps):
    """Median ms of one Hessian-vector product of the mean loss over the subset, PyHessian's way:
    the gradient's graph is built once (create_graph) and each product is one more backward."""
    torch.manual_seed(1)
    net = Mlp(2, "bp", dtype)
    x = x.to(dtype)
    params = list(net.parameters())
    loss = torch.nn.functional.cross_entropy(net(x), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    v = [torch.randn_like(p) for p in params]
    for _ in range(HVP_WARMUP):
        torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[reps // 2]


def pgd_millis(dtype, x, y, reps):
    """Best ms of PGD-20 under L-inf (eps 0.1, random start, inputs kept in [0, 1]) over the subset,
    after one warm-up run."""
    torch.manual_seed(1)
    net = Mlp(2, "bp", dtype)
    for p in net.parameters():
        p.requires_grad_(False)
    x = x.to(dtype)
    best = float("inf")
    for r in range(reps + 1):
        start = time.perf_counter()
        adv = (x + torch.empty_like(x).uniform_(-PGD_EPS, PGD_EPS)).clamp(0, 1)
        for _ in range(PGD_STEPS):
            adv.requires_grad_(True)
            loss = torch.nn.functional.cross_entropy(net(adv), y, reduction="sum")
            grad, = torch.autograd.grad(loss, adv)
            adv = adv.detach() + PGD_ALPHA * grad.sign()
            adv = torch.min(torch.max(adv, x - PGD_EPS), x + PGD_EPS).clamp(0, 1)
        ms = (time.perf_counter() - start) * 1e3
        if r > 0:
            best = min(best, ms)
    return best


def blas():
    """The BLAS library torch loaded: from the process's mapped libraries, else torch's build config."""
    names = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if any(k in base for k in ("blas", "mkl", "blis")):
                    names.add(os.path.realpath(path))
    except OSError:
        pass
    found = ", ".join(sorted(names))
    if not found:
        found = next((l.strip() for l in torch.__config__.show().splitlines() if "BLAS_INFO" in l), "unknown")
    # The settings that change which kernels OpenBLAS runs and how its threads wait.
    settings = ["%s=%s" % (k, os.environ[k]) for k in ("OPENBLAS_CORETYPE", "OMP_WAIT_POLICY") if os.environ.get(k)]
    return found + (" (" + ", ".join(settings) + ")" if settings else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtypes", default="f32,f64")
    ap.add_argument("--work", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    xte, yte = xte[:SUBSET], yte[:SUBSET]
    torch.zeros(1) @ torch.zeros(1)     # load the BLAS before naming it
    torch.zeros(2, 2).mm(torch.zeros(2, 2))
    emit({"type": "peer", "name": "torch", "version": torch.__version__, "blas": blas(),
          "threads": torch.get_num_threads(), "python": platform.python_version()})
    dtypes = {"f32": torch.float32, "f64": torch.float64}
    for d in a.dtypes.split(","):
        for work in a.work.split(","):
            try:
                parts = work.split("-")
                if parts[0] == "train":
                    value, unit = train_rate(parts[1], int(parts[2][1:]), dtypes[d], xtr, ytr, a.rounds), "samples/s"
                elif parts[0] == "hvp":
                    value, unit = hvp_millis(dtypes[d], xte, yte, 10 if a.rounds >= 3 else 3), "ms"
                elif parts[0] == "pgd20":
                    value, unit = pgd_millis(dtypes[d], xte, yte, 4 if a.rounds >= 3 else 2), "ms"
                else:
                    raise ValueError("unknown work " + work)
                emit({"type": "result", "work": work, "dtype": d, "value": value, "unit": unit})
            except Exception as e:   # report and go on: one failed workload must not hide the others
                emit({"type": "error", "work": work, "dtype": d, "message": repr(e)})


if __name__ == "__main__":
    sys.exit(main())
