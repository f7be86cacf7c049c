/**
 * bench/: `deno task bench` runs end to end on a tiny batch and prints the
 * JSON lines the issue asks for; the PyTorch side's output is parsed, and a
 * missing PyTorch becomes install advice.
 */
import assert from "node:assert/strict";
import { benchCommand } from "../../bench/launch.ts";
import { parseBenchArgs } from "../../bench/args.ts";
import { median, rowJson, throughput } from "../../bench/report.ts";
import { INSTALL_HINT, TorchServer } from "../../bench/torch_reference.ts";
import { HANDOUT_WORKLOAD } from "../../bench/workload.ts";

const FAKE = [
  Deno.execPath(),
  "run",
  new URL("./fixtures/fake_torch.ts", import.meta.url).href,
];

Deno.test("TorchServer speaks to the reference and reports a missing PyTorch", async (t) => {
  await t.step("measurements come back in order", async () => {
    const s = await TorchServer.start({
      threads: 3,
      workload: HANDOUT_WORKLOAD,
      command: FAKE,
    });
    assert.ok(!("error" in s), JSON.stringify(s));
    assert.deepEqual(s.meta, {
      version: "0.0-fake",
      threads: 3,
      device: "fake CPU",
    });
    const a = await s.measure("cnn", "train", 1, 2);
    const b = await s.measure("unet", "infer", 0, 3);
    assert.deepEqual([a.model, a.kind, a.timesMs], ["cnn", "train", [10, 11]]);
    assert.deepEqual([b.model, b.kind, b.timesMs], ["unet", "infer", [
      10,
      11,
      12,
    ]]);
    await s.close();
  });

  await t.step("no PyTorch: install advice, no exception", async () => {
    const s = await TorchServer.start({
      threads: 1,
      workload: HANDOUT_WORKLOAD,
      command: [...FAKE, "--fake-missing"],
    });
    assert.ok("error" in s);
    assert.match(s.error, /No module named 'torch'/);
    assert.ok(s.error.includes(INSTALL_HINT));
    assert.match(INSTALL_HINT, /apt-get install python3-torch/);
  });

  await t.step("no Python: install advice, no exception", async () => {
    const s = await TorchServer.start({
      threads: 1,
      workload: HANDOUT_WORKLOAD,
      command: ["/nonexistent/python3"],
    });
    assert.ok("error" in s);
    assert.match(s.error, /could not run \/nonexistent\/python3/);
  });
});

Deno.test("the PyTorch reference profiles its operators (real PyTorch)", async () => {
  const s = await TorchServer.start({
    threads: 1,
    workload: { ...HANDOUT_WORKLOAD, batchSize: 2 },
  });
  assert.ok(!("error" in s), JSON.stringify(s));
  try {
    const p = await s.profile("cnn", "train", 1, 2);
    assert.deepEqual([p.kind, p.model, p.of], ["profile", "cnn", "train"]);
    const names = p.ops.map((o) => o.name);
    assert.ok(names.some((n) => /convolution_backward/.test(n)), names.join());
    assert.ok(p.ops.every((o) => o.ms > 0 && o.calls >= 0));
    // The server still answers timing requests afterwards.
    const m = await s.measure("cnn", "infer", 0, 1);
    assert.equal(m.timesMs.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("report: throughput, medians and the JSON line", () => {
  assert.equal(throughput([100, 300], 100), 500); // 200 images in 0.4 s
  assert.equal(throughput([], 100), null);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const line = rowJson(
    {
      kind: "train",
      model: "cnn",
      tfjsMs: [200, 200],
      torchMs: [100, 100],
      tfjsCpuMs: [180, 190],
      torchCpuMs: [190, 200],
    },
    {
      backend: "wasm",
      threads: 2,
      batchSize: 100,
      torchThreads: 2,
      torchVersion: "1.13",
      torchDevice: "cpu",
      torchFrozen: false,
      tfjsFolded: true,
      cpu: "AMD EPYC",
      loadAvgBefore: [0.5, 0.4, 0.3],
      loadAvgAfter: [1.5, 0.6, 0.35],
    },
  );
  assert.deepEqual(Object.keys(line).slice(0, 7), [
    "kind",
    "model",
    "backend",
    "threads",
    "tfjsImgPerS",
    "torchImgPerS",
    "ratio",
  ]);
  assert.equal(line.tfjsImgPerS, 500);
  assert.equal(line.torchImgPerS, 1000);
  assert.equal(line.ratio, 0.5);
  assert.equal(line.torchFrozen, false);
  assert.deepEqual(line.loadAvgBefore, [0.5, 0.4, 0.3]);
  assert.equal(line.cpu, "AMD EPYC");
  assert.equal(line.tfjsCpuMedianMs, 185);
  assert.equal(line.cpuMedianRatio, 1.054); // 195 / 185
});

Deno.test("parseBenchArgs() defaults to the issue's setting and rejects nonsense", () => {
  const a = parseBenchArgs([]);
  assert.equal(a.threads, undefined); // resolved later: COLOURLAB_THREADS or all cores
  assert.ok(a.steps >= 20);
  assert.deepEqual(a.models, ["cnn", "unet"]);
  assert.equal(a.workload.batchSize, 100);
  assert.equal(parseBenchArgs(["--threads", "3"]).threads, 3);
  assert.equal(parseBenchArgs([]).torchFreeze, false);
  assert.equal(parseBenchArgs(["--torch-freeze"]).torchFreeze, true);
  assert.equal(parseBenchArgs(["--unfolded"]).unfolded, true);
  assert.throws(
    () => parseBenchArgs(["--threads", "0"]),
    /--threads needs an integer >= 1/,
  );
  assert.throws(() => parseBenchArgs(["--models", "vgg"]), /--models takes/);
  assert.throws(() => parseBenchArgs(["--fast"]), /unknown argument --fast/);
});

Deno.test("deno task bench runs and prints one JSON line per model and kind", async () => {
  const args = await benchCommand([
    "--models",
    "cnn,unet",
    "--batch-size",
    "2",
    "--steps",
    "2",
    "--warmup",
    "1",
    "--rounds",
    "2",
    "--no-torch",
    "--profile",
  ]);
  assert.ok(args.includes("--no-prompt"));
  assert.ok(
    !args.some((a) =>
      a === "-A" || a.startsWith("--allow-write") || a.startsWith("--allow-net")
    ),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env: { COLOURLAB_BACKEND: "wasm", COLOURLAB_THREADS: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr) + stdout);
  assert.match(stdout, /\| train \| cnn {3}\|/);
  // Every table comes with the load average of the machine it ran on.
  assert.match(stdout, /load average before: [\d.]+, [\d.]+, [\d.]+; after:/);
  const lines = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l)
  );
  const rows = lines.filter((l) => l.kind === "train" || l.kind === "infer");
  assert.deepEqual(rows.map((r) => `${r.kind} ${r.model}`), [
    "train cnn",
    "infer cnn",
    "train unet",
    "infer unet",
  ]);
  for (const r of rows) {
    assert.equal(r.backend, "wasm");
    assert.equal(r.threads, 1);
    assert.ok(r.tfjsImgPerS > 0);
    assert.equal(r.torchImgPerS, null);
    assert.equal(r.ratio, null);
    assert.equal(r.loadAvgBefore.length, 3);
    assert.equal(r.loadAvgAfter.length, 3);
    assert.ok(r.tfjsCpuMedianMs > 0);
    assert.equal(r.cpuMedianRatio, null);
  }
  const profiles = lines.filter((l) => l.kind === "profile");
  assert.equal(profiles.length, 4);
  const trainKernels = profiles[0].kernels.map((k: { name: string }) => k.name);
  assert.ok(trainKernels.includes("Conv2DBackpropFilter"), trainKernels.join());
});
