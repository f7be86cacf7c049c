#!/usr/bin/python3
"""PyTorch reference for `deno task bench`: the handout's CNN and UNet
(CSC413 PA2, float32, BatchNorm, Adam, per-pixel cross-entropy) trained and
run forward on random 32x32 grey images.

Prints one JSON object per line on stdout:
  {"kind": "meta", "torch": "1.13.0", "threads": 2, ...}
  {"kind": "train"|"infer", "model": "cnn"|"unet", "imgPerS": ..., "medianMs": ..., "steps": ..., "timesMs": [...]}
  {"kind": "profile", "model": ..., "of": "train"|"infer", "ops": [{"name", "ms", "calls"}, ...]}
    (answer to {"profile": true, ...} under --serve: self CPU time per
    operator, per step, over `steps` steps, from torch.profiler)

Usage: /usr/bin/python3 bench/reference_torch.py [--threads N] [--steps 20]
       [--warmup 3] [--batch-size 100] [--size 32] [--nf 32] [--nc 24]
       [--kernel 3] [--models cnn,unet] [--device cpu|cuda|auto] [--freeze 0|1]
       [--serve]

--freeze 1 runs inference through TorchScript frozen and optimised for
inference (torch.jit.freeze + optimize_for_inference: it folds a BatchNorm
into the conv directly in front of it, and picks oneDNN layouts), instead of
the eager model the original notebooks use.

--device auto uses CUDA when PyTorch sees a GPU (the bench asks for it when
tfjs runs on WebGPU), else the CPU; the meta line says which.
"""
import argparse
import json
import os
import platform
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError as e:  # the caller turns this into install advice
    print(json.dumps({"kind": "error", "error": f"PyTorch missing: {e}"}))
    sys.exit(3)


from torch_models import CNN, UNet  # noqa: E402  (after the torch check)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(fn, warmup, steps):
    """Wall and process-CPU milliseconds of each of `steps` calls after
    `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return times, cpu


class Workload:
    """The two models, built on first use, and one fixed random batch."""

    def __init__(self, a, dev):
        self.a, self.dev, self.nets = a, dev, {}
        b, s = a.batch_size, a.size
        self.xs = torch.rand(b, 1, s, s, dtype=torch.float32).to(dev)
        self.ys = torch.randint(0, a.nc, (b, s, s), dtype=torch.int64).to(dev)

    def step(self, model, kind):
        if model not in self.nets:
            net = (CNN if model == "cnn" else UNet)(self.a.kernel, self.a.nf, self.a.nc)
            net = net.float().to(self.dev)
            self.nets[model] = (net, torch.optim.Adam(net.parameters(), lr=1e-3))
        net, opt = self.nets[model]
        loss_fn = nn.CrossEntropyLoss()

        def train_step():
            net.train()
            opt.zero_grad()
            loss = loss_fn(net(self.xs), self.ys)
            loss.backward()
            opt.step()
            return loss.item()  # read back, as the tfjs side does

        def infer_step():
            net.eval()
            with torch.no_grad():
                return net(self.xs)[0, 0, 0, 0].item()

        if kind == "infer" and self.a.freeze:
            # Frozen from the weights of now (training rounds change them
            # later; the speed does not depend on them).
            net.eval()
            with torch.no_grad():
                frozen = torch.jit.optimize_for_inference(
                    torch.jit.freeze(torch.jit.trace(net, self.xs)))

            def frozen_step():
                with torch.no_grad():
                    return frozen(self.xs)[0, 0, 0, 0].item()

            return frozen_step

        return train_step if kind == "train" else infer_step

    def profile(self, model, kind, warmup, steps):
        """Self CPU milliseconds per step of each operator (torch.profiler)."""
        fn = self.step(model, kind)
        for _ in range(warmup):
            fn()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(steps):
                fn()
        ops = [{"name": e.key, "ms": e.self_cpu_time_total / 1000 / steps,
                "calls": e.count // steps}
               for e in prof.key_averages() if e.self_cpu_time_total > 0]
        ops.sort(key=lambda o: -o["ms"])
        return {"kind": "profile", "model": model, "of": kind, "ops": ops}

    def measure(self, model, kind, warmup, steps):
        times, cpu = timed(self.step(model, kind), warmup, steps)
        total = sum(times) / 1000
        return {
            "kind": kind, "model": model, "steps": steps,
            "imgPerS": steps * self.a.batch_size / total,
            "medianMs": sorted(times)[len(times) // 2],
            "timesMs": times,
            "cpuMs": cpu,
        }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--nf", type=int, default=32)
    p.add_argument("--nc", type=int, default=24)
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--models", default="cnn,unet")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu")
    p.add_argument("--freeze", type=int, choices=[0, 1], default=0,
                   help="inference through torch.jit.freeze + optimize_for_inference")
    p.add_argument("--serve", action="store_true",
                   help='answer {"model", "kind", "warmup", "steps"} JSON lines from stdin')
    a = p.parse_args()

    if a.device == "auto":
        a.device = "cuda" if torch.cuda.is_available() else "cpu"
    dev = torch.device(a.device)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(json.dumps({
        "kind": "meta",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "device": torch.cuda.get_device_name(dev) if a.device == "cuda" else cpu_model(),
        "frozen": bool(a.freeze),
    }), flush=True)

    work = Workload(a, dev)
    if a.serve:
        # The bench interleaves tfjs and PyTorch rounds, so that both see the
        # same load on a shared machine.
        for line in sys.stdin:
            if line.strip():
                r = json.loads(line)
                run = work.profile if r.get("profile") else work.measure
                print(json.dumps(run(r["model"], r["kind"], r["warmup"], r["steps"])),
                      flush=True)
        return
    for model in a.models.split(","):
        for kind in ("train", "infer"):
            print(json.dumps(work.measure(model, kind, a.warmup, a.steps)), flush=True)


if __name__ == "__main__":
    main()
