#!/usr/bin/python3
"""PyTorch reference training of the CSC413 PA2 colourization setup, to judge
the tfjs runs against (see bench/README_reference.md).

Reproduces the original setup as ../shared/assignment/BRIEF.md describes it:
CIFAR-10 binary archive read with tarfile, category 7 of data_batch_1..5 for
training and of test_batch for validation, pixels / 256 in NCHW, grey = the
unweighted mean of R, G and B, labels = nearest palette colour (Euclidean in
RGB), the handout's CNN or UNet, Adam, mean per-pixel cross-entropy, the
training set shuffled once with the seed and then visited in the same order
every epoch (the original's `npr.shuffle` in `process`), the last partial
batch kept, validation every epoch in eval mode (BatchNorm running statistics)
with loss and accuracy averaged over pixels.

Usage:
  /usr/bin/python3 bench/reference_train_torch.py --model unet --lr 0.001 \
      --epochs 25 --batch-size 100 --seed 0 --threads 1 \
      --archive ../shared/data/cifar-10-horses-binary.tar.gz \
      --palette data/palettes/kmeans_v1_549f887a0ed2a97f_cat7_n5000_nc24_seed0.json \
      --json-out bench/reference_runs/unet_lr0.001_seed0.json

--palette takes a JSON file ({"colours": [[r, g, b], ...]} on the /256 scale,
or a bare list of triples) or a NumPy .npy file of shape (NC, 3).
`--summarize FILE...` prints a markdown table (final, best, end-of-run
train loss) of reference JSON files and/or tfjs runs/*/history.json files.

Without --palette the newest data/palettes/*.json made from the archive's
sha256 with 5,000 training images and k-means seed --palette-seed (0) is used.

The JSON written by --json-out holds "meta" (torch version, threads, config,
archive sha256, palette path and colours) and "history": one object per epoch
with epoch, trainLoss, valLoss, valAccuracy (fraction), seconds (whole epoch,
training and validation) and imagesPerSecond (training images / training
seconds), the keys the tfjs trainer writes in runs/*/history.json.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import platform
import sys
import tarfile
import time

import numpy as np
import torch
import torch.nn as nn

RECORD = 1 + 3 * 32 * 32


def read_archive(path, category):
    """(train, val) float32 arrays N x 3 x 32 x 32 on the /256 scale."""
    batches = {}
    with tarfile.open(path, "r:*") as tar:
        for member in tar.getmembers():
            name = os.path.basename(member.name)
            if member.isfile() and name.endswith(".bin"):
                batches[name] = tar.extractfile(member).read()

    def pick(names):
        out = []
        for name in names:
            if name not in batches:
                sys.exit(f"{path}: {name} missing")
            raw = np.frombuffer(batches[name], dtype=np.uint8)
            if raw.size % RECORD:
                sys.exit(f"{path}: {name} is not a whole number of records")
            rec = raw.reshape(-1, RECORD)
            keep = rec[rec[:, 0] == category, 1:]
            out.append(keep.reshape(-1, 3, 32, 32))
        return np.concatenate(out).astype(np.float32) / 256.0

    train = pick([f"data_batch_{i}.bin" for i in range(1, 6)])
    val = pick(["test_batch.bin"])
    return train, val


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_palette(sha, seed=0):
    """Newest cached palette made from this archive with 5,000 training images
    and k-means seed `seed` (other engineers add palettes of other seeds)."""
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for p in glob.glob(os.path.join(here, "..", "data", "palettes", "*.json")):
        with open(p) as f:
            d = json.load(f)
        if (d.get("sha256") == sha and d.get("trainCount") == 5000
                and d.get("seed") == seed):
            found.append((os.path.getmtime(p), p))
    if not found:
        sys.exit("no cached palette for this archive: pass --palette")
    return os.path.normpath(max(found)[1])


def load_palette(path):
    """(NC, 3) float32 palette from JSON or .npy."""
    if path.endswith(".npy"):
        pal = np.load(path)
    else:
        with open(path) as f:
            d = json.load(f)
        pal = d["colours"] if isinstance(d, dict) else d
        pal = np.asarray(pal, dtype=np.float64)
        if pal.ndim == 1:  # flat list of r, g, b values
            pal = pal.reshape(-1, 3)
    pal = np.asarray(pal, dtype=np.float32)
    if pal.ndim != 2 or pal.shape[1] != 3:
        sys.exit(f"{path}: palette must have shape (NC, 3), got {pal.shape}")
    return pal


def nearest_colour(rgb, palette):
    """N x 1 x H x W int64 labels: index of the nearest palette colour."""
    n, _, h, w = rgb.shape
    px = rgb.transpose(0, 2, 3, 1).reshape(-1, 1, 3)
    out = np.empty(len(px), dtype=np.int64)
    step = 1 << 18  # chunks keep the distance table small
    for i in range(0, len(px), step):
        d = ((px[i:i + step] - palette[None, :, :]) ** 2).sum(axis=2)
        out[i:i + step] = np.argmin(d, axis=1)
    return out.reshape(n, 1, h, w)


from torch_models import CNN, UNet, block  # noqa: E402,F401  (shared model definitions)


def train_epoch(net, opt, crit, xs, ys, bs, epoch):
    """One pass in the given order, last partial batch kept; the per-pixel
    mean loss over the epoch (batches weighted by size)."""
    net.train()
    tot, cnt = 0.0, 0
    for i in range(0, len(xs), bs):
        x, y = xs[i:i + bs], ys[i:i + bs]
        opt.zero_grad()
        loss = crit(net(x), y)
        loss.backward()
        opt.step()
        tot += loss.item() * y.numel()
        cnt += y.numel()
        if not np.isfinite(loss.item()):
            sys.exit(f"non-finite loss at epoch {epoch} batch {i // bs}")
    return tot / cnt


def evaluate(net, xs, ys, bs):
    """(mean per-pixel loss, accuracy) in eval mode (BatchNorm running stats)."""
    net.eval()
    vloss, vcorrect, vcnt = 0.0, 0, 0
    with torch.no_grad():
        for i in range(0, len(xs), bs):
            x, y = xs[i:i + bs], ys[i:i + bs]
            logits = net(x)
            vloss += nn.functional.cross_entropy(logits, y, reduction="sum").item()
            vcorrect += (logits.argmax(1) == y).sum().item()
            vcnt += y.numel()
    return vloss / vcnt, vcorrect / vcnt


def summarize(paths):
    """Print a markdown table of runs: reference JSON files or tfjs history.json."""
    print("| run | epochs | final val acc | final val loss | best val acc (epoch) "
          "| min val loss (epoch) | train loss at end | val loss end - min |")
    print("|---|---|---|---|---|---|---|---|")
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        h = d["history"] if isinstance(d, dict) else d
        last = h[-1]
        ia = max(range(len(h)), key=lambda i: h[i]["valAccuracy"])
        il = min(range(len(h)), key=lambda i: h[i]["valLoss"])
        print(f"| {p} | {len(h)} | {100 * last['valAccuracy']:.1f}% "
              f"| {last['valLoss']:.4f} | {100 * h[ia]['valAccuracy']:.1f}% ({ia + 1}) "
              f"| {h[il]['valLoss']:.4f} ({il + 1}) | {last['trainLoss']:.4f} "
              f"| {last['valLoss'] - h[il]['valLoss']:+.4f} |")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--summarize":
        summarize(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["cnn", "unet"], default="unet")
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--nf", type=int, default=32)
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--category", type=int, default=7)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--archive", default=os.path.normpath(os.path.join(
        here, "..", "..", "shared", "data", "cifar-10-horses-binary.tar.gz")))
    ap.add_argument("--palette", default=None)
    ap.add_argument("--palette-seed", type=int, default=0,
                    help="k-means seed of the cached palette when --palette is absent")
    ap.add_argument("--json-out", default=None)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, numpy {np.__version__}, python "
          f"{platform.python_version()}, threads {torch.get_num_threads()}",
          flush=True)

    sha = sha256_of(args.archive)
    palette_path = args.palette or default_palette(sha, args.palette_seed)
    palette = load_palette(palette_path)
    nc = palette.shape[0]

    # Seeds as the original: numpy for the one-time shuffle, torch for init.
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    train_rgb, val_rgb = read_archive(args.archive, args.category)
    np.random.shuffle(train_rgb)
    train_grey = train_rgb.mean(axis=1, keepdims=True)
    val_grey = val_rgb.mean(axis=1, keepdims=True)
    train_lab = nearest_colour(train_rgb, palette)
    val_lab = nearest_colour(val_rgb, palette)
    print(f"archive {args.archive} sha256 {sha[:12]}...: {len(train_rgb)} "
          f"train, {len(val_rgb)} val; palette {palette_path} ({nc} colours)",
          flush=True)

    xs_t = torch.from_numpy(train_grey)
    ys_t = torch.from_numpy(train_lab[:, 0])
    xs_v = torch.from_numpy(val_grey)
    ys_v = torch.from_numpy(val_lab[:, 0])

    Net = UNet if args.model == "unet" else CNN
    net = Net(args.kernel, args.nf, nc)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    crit = nn.CrossEntropyLoss()  # mean over all pixels of the batch
    bs = args.batch_size
    n = len(xs_t)

    history = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        train_loss = train_epoch(net, opt, crit, xs_t, ys_t, bs, epoch)
        train_s = time.perf_counter() - t0
        val_loss, val_acc = evaluate(net, xs_v, ys_v, bs)
        seconds = time.perf_counter() - t0
        rec = {
            "epoch": epoch,
            "trainLoss": train_loss,
            "valLoss": val_loss,
            "valAccuracy": val_acc,
            "seconds": seconds,
            "imagesPerSecond": n / train_s,
        }
        history.append(rec)
        print(f"epoch {epoch}/{args.epochs}: train {train_loss:.4f}, val "
              f"{rec['valLoss']:.4f}, acc {100 * rec['valAccuracy']:.1f}%, "
              f"{seconds:.1f} s, {rec['imagesPerSecond']:.0f} img/s",
              flush=True)

    if args.json_out:
        out = {
            "meta": {
                "torch": torch.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
                "threads": torch.get_num_threads(),
                "model": args.model,
                "learningRate": args.lr,
                "epochs": args.epochs,
                "batchSize": bs,
                "seed": args.seed,
                "numFilters": args.nf,
                "kernelSize": args.kernel,
                "category": args.category,
                "archiveSha256": sha,
                "trainCount": n,
                "valCount": len(xs_v),
                "palettePath": os.path.relpath(palette_path),
                "paletteColours": palette.tolist(),
                "note": "2-core machine shared with other jobs; timings are indicative",
            },
            "history": history,
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.json_out)), exist_ok=True)
        tmp = args.json_out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=1)
        os.replace(tmp, args.json_out)


if __name__ == "__main__":
    main()
