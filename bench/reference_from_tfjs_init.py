#!/usr/bin/python3
"""PyTorch replay of a tfjs training run: the handout's UNet/CNN of
bench/reference_train_torch.py, started from the initial weights the tfjs
model had and fed the batches in the tfjs order (both exported by
bench/from_tfjs_init.ts), with the tfjs grey inputs and palette labels.
Separates "different initialisation / batch order" from "different training
arithmetic" when tfjs and PyTorch runs end apart.

Usage:
  deno run -A bench/from_tfjs_init.ts --model unet --seed 0 \
      --palette-from runs/unet/run.json \
      --data ../shared/data/cifar-10-horses-binary.tar.gz --out /tmp/tfjs_init
  /usr/bin/python3 bench/reference_from_tfjs_init.py --init-from /tmp/tfjs_init \
      --epochs 25 --batch-size 100 --lr 0.001 --threads 1 \
      --json-out bench/reference_runs/unet_from_tfjs_init_seed0.json \
      [--compare runs/unet/history.json]

--init-from DIR reads DIR/init.json (weights, order) and DIR/{train,val}_{x,y}.
--order-from FILE takes the order from another init.json (default: DIR's).
--compare prints a per-epoch table against a tfjs history.json.
--maxpool-ties all gives max-pool colourlab's gradient (to every tied maximum)
instead of PyTorch's (to the first one).
With --epochs 0 it only evaluates the exported weights (e.g. a checkpoint's,
from_tfjs_init.ts --checkpoint), checking the eval-mode path on its own.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_train_torch import CNN, UNet, evaluate, train_epoch  # noqa: E402


class _MaxPoolAllTies(torch.autograd.Function):
    """2x2 max-pool whose gradient goes to every element equal to the window's
    maximum (as lib/kernels/resample/max_pool_grad.ts), not to the first one only."""

    @staticmethod
    def forward(ctx, x):
        y = nn.functional.max_pool2d(x, 2)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, dy):
        x, y = ctx.saved_tensors
        up = nn.functional.interpolate
        return (x == up(y, scale_factor=2)).to(dy.dtype) * up(dy, scale_factor=2)


class MaxPoolAllTies(nn.Module):
    def forward(self, x):
        return _MaxPoolAllTies.apply(x)


def use_tie_all_pooling(net):
    """Swap every nn.MaxPool2d(2) of the net for MaxPoolAllTies."""
    for mod in net.modules():
        for name, child in mod.named_children():
            if isinstance(child, nn.MaxPool2d):
                setattr(mod, name, MaxPoolAllTies())


def load_init(net, init):
    """Copy the exported conv and BatchNorm tensors into the PyTorch net."""
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(convs) == len(init["convs"]) and len(bns) == len(init["batchNorms"])
    with torch.no_grad():
        for conv, w in zip(convs, init["convs"]):
            conv.weight.copy_(torch.tensor(w["kernel"]).reshape(conv.weight.shape))
            conv.bias.copy_(torch.tensor(w["bias"]))
        for bn, b in zip(bns, init["batchNorms"]):
            bn.weight.copy_(torch.tensor(b["gamma"]))
            bn.bias.copy_(torch.tensor(b["beta"]))
            bn.running_mean.copy_(torch.tensor(b["runningMean"]))
            bn.running_var.copy_(torch.tensor(b["runningVar"]))


def load_data(d, n_train, n_val):
    def x(name, n):
        a = np.fromfile(os.path.join(d, name), dtype=np.float32)
        return torch.from_numpy(a.reshape(n, 1, 32, 32))  # NHWC with C = 1

    def y(name, n):
        a = np.fromfile(os.path.join(d, name), dtype=np.uint8)
        return torch.from_numpy(a.astype(np.int64).reshape(n, 32, 32))

    return (x("train_x.f32", n_train), y("train_y.u8", n_train),
            x("val_x.f32", n_val), y("val_y.u8", n_val))


def compare(history, tfjs_path):
    with open(tfjs_path) as f:
        ours = json.load(f)
    ours = ours["history"] if isinstance(ours, dict) else ours
    print("| epoch | tfjs train | torch train | tfjs val loss | torch val loss "
          "| tfjs val acc | torch val acc |")
    print("|---|---|---|---|---|---|---|")
    for a, b in zip(ours, history):
        print(f"| {b['epoch']} | {a['trainLoss']:.4f} | {b['trainLoss']:.4f} "
              f"| {a['valLoss']:.4f} | {b['valLoss']:.4f} "
              f"| {100 * a['valAccuracy']:.1f}% | {100 * b['valAccuracy']:.1f}% |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--init-from", required=True)
    ap.add_argument("--order-from", default=None)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--compare", default=None)
    ap.add_argument("--maxpool-ties", choices=["first", "all"], default="first",
                    help="max-pool gradient on ties: PyTorch's (first) or "
                         "colourlab's (all tied elements)")
    ap.add_argument("--perturb", type=float, default=0.0,
                    help="relative N(0, 1) * EPS noise on the initial conv "
                         "kernels (seeded): how far rounding-size changes "
                         "carry PyTorch itself over 25 epochs")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    with open(os.path.join(args.init_from, "init.json")) as f:
        init = json.load(f)
    order_init = init
    if args.order_from:
        with open(args.order_from) as f:
            order_init = json.load(f)
    order = torch.tensor(order_init["order"], dtype=torch.int64)
    xs_t, ys_t, xs_v, ys_v = load_data(args.init_from, init["trainCount"],
                                       init["valCount"])
    xs_t, ys_t = xs_t[order], ys_t[order]  # the same order every epoch

    Net = UNet if init["model"] == "unet" else CNN
    net = Net(init["kernelSize"], init["numFilters"], init["numColours"])
    load_init(net, init)
    if args.maxpool_ties == "all":
        use_tie_all_pooling(net)
    if args.perturb:
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            for m in net.modules():
                if isinstance(m, nn.Conv2d):
                    m.weight.mul_(1 + args.perturb * torch.randn(
                        m.weight.shape, generator=gen))
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    crit = nn.CrossEntropyLoss()
    bs, n = args.batch_size, len(xs_t)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"{n} train, {len(xs_v)} val, {init['model']} seed {init['seed']}",
          flush=True)

    vloss, vacc = evaluate(net, xs_v, ys_v, bs)
    print(f"before training (eval mode): val {vloss:.4f}, acc {100 * vacc:.2f}%",
          flush=True)
    history = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        train_loss = train_epoch(net, opt, crit, xs_t, ys_t, bs, epoch)
        vloss, vacc = evaluate(net, xs_v, ys_v, bs)
        rec = {"epoch": epoch, "trainLoss": train_loss, "valLoss": vloss,
               "valAccuracy": vacc, "seconds": time.perf_counter() - t0}
        history.append(rec)
        print(f"epoch {epoch}/{args.epochs}: train {rec['trainLoss']:.4f}, val "
              f"{rec['valLoss']:.4f}, acc {100 * rec['valAccuracy']:.1f}%, "
              f"{rec['seconds']:.1f} s", flush=True)
        if args.json_out:  # after every epoch, so a cut-off run still reports
            out = {"meta": {"torch": torch.__version__,
                            "python": platform.python_version(),
                            "threads": torch.get_num_threads(),
                            "initFrom": args.init_from,
                            "orderFrom": args.order_from or args.init_from,
                            "perturb": args.perturb,
                            "maxpoolTies": args.maxpool_ties,
                            "model": init["model"], "seed": init["seed"],
                            "learningRate": args.lr, "batchSize": bs,
                            "note": "2-core machine shared with other jobs"},
                   "history": history}
            tmp = args.json_out + ".tmp"
            with open(tmp, "w") as f:
                json.dump(out, f, indent=1)
            os.replace(tmp, args.json_out)
    if args.json_out:  # final conv biases and running statistics, to compare
        with open(args.json_out) as f:
            out = json.load(f)
        out["final"] = {
            "convBiases": [m.bias.tolist() for m in net.modules()
                           if isinstance(m, nn.Conv2d)],
            "bnRunningMean": [m.running_mean.tolist() for m in net.modules()
                              if isinstance(m, nn.BatchNorm2d)],
            "bnRunningVar": [m.running_var.tolist() for m in net.modules()
                             if isinstance(m, nn.BatchNorm2d)],
        }
        # The same weights with running statistics recomputed over the whole
        # training set: how much of the val loss is stale running statistics.
        bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
        for m in bns:
            m.reset_running_stats()
            m.momentum = None  # cumulative average
        net.train()
        with torch.no_grad():
            for i in range(0, n, bs):
                net(xs_t[i:i + bs])
        vloss, vacc = evaluate(net, xs_v, ys_v, bs)
        out["final"]["recomputedRunningStats"] = {"valLoss": vloss,
                                                  "valAccuracy": vacc}
        print(f"final weights, running statistics recomputed over the training "
              f"set: val {vloss:.4f}, acc {100 * vacc:.1f}%", flush=True)
        with open(args.json_out + ".tmp", "w") as f:
            json.dump(out, f, indent=1)
        os.replace(args.json_out + ".tmp", args.json_out)
    if args.compare:
        compare(history, args.compare)


if __name__ == "__main__":
    main()
