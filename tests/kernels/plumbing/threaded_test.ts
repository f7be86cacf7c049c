/**
 * The own filter gradient split over helper threads on the threaded wasm
 * backend, in a child process with narrow permissions: same results as the
 * float64 reference, helpers in use, and the process exits by itself.
 */
import assert from "node:assert/strict";
import { convGeometry } from "../../../lib/kernels/conv/conv_geometry.ts";
import { filterGradJs } from "../../../bench/kernels/filter_grad_js.ts";
import { caseInputs, CASES } from "../fixtures/threaded_cases.ts";
import { glueOps } from "../fixtures/glue_ops.ts";
import { assertClose, setUp } from "../helpers.ts";
import * as tf from "@tensorflow/tfjs";

const CHILD = new URL("../fixtures/threaded_child.ts", import.meta.url);

Deno.test("own kernels on 2 threads match the references", async () => {
  const npmDir = new URL(
    "../../../../",
    import.meta.resolve("@tensorflow/tfjs-backend-wasm"),
  );
  const project = decodeURIComponent(
    new URL("../../../", import.meta.url).pathname,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${project},${decodeURIComponent(npmDir.pathname)}`,
      CHILD.href,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const out = await child.output();
  clearTimeout(timer);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child failed or hung (code ${out.code}): ${stderr}`);
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  const got = JSON.parse(line) as {
    threads: number;
    shared: boolean;
    helpers: number;
    results: number[][];
    glue: number[][];
  };
  assert.equal(got.threads, 2, "the threaded backend did not start");
  assert.ok(got.shared, "threaded heap is not shared memory");
  assert.equal(got.helpers, 1, "no helper thread took part");
  CASES.forEach((c, i) => {
    const { x, dy } = caseInputs(c, i);
    const g = convGeometry([c.n, c.h, c.w, c.c], [c.f, c.f, c.c, c.k], {
      strides: 1,
      pad: c.pad,
      dilations: c.d,
    });
    assertClose(
      Float32Array.from(got.results[i]),
      filterGradJs(x, dy, g),
      `case ${i}`,
    );
  });
  // The memory-bound kernels split over 2 threads against tfjs-backend-cpu.
  await setUp();
  await tf.setBackend("cpu");
  const want = glueOps();
  assert.equal(got.glue.length, want.length);
  const names = [
    "sum",
    "mean",
    "full sum",
    "batchnorm",
    "dx",
    "dGamma",
    "dBeta",
    "relu dx",
    "relu",
    "max-pool dx",
    "max-pool",
    "upsampling",
    "upsampling gradient",
    "cross-entropy",
    "cross-entropy gradient",
    "3x3 conv + bias + relu",
    "3x3 conv input gradient",
    "concat conv + relu",
    "concat conv + relu + pool",
    "small conv + relu + pool",
    "3x3 filter gradient",
    "concat",
    "concat gradient",
  ];
  want.forEach((w, i) =>
    assertClose(Float32Array.from(got.glue[i]), w, names[i])
  );
});
