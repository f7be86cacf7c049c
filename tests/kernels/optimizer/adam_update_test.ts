import assert from "node:assert";
import { adamUpdate } from "../../../lib/kernels/optimizer/adam_update.ts";
import { onBackend, randomArray, setUp } from "../helpers.ts";

/** PyTorch's Adam step in float64 loops. */
function reference(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  t: number,
) {
  const [lr, b1, b2, eps] = [1e-3, 0.9, 0.999, 1e-8];
  // Size of the terms summed (float32 rounding is relative to them).
  const scale = [0, 1, 2].map(() => new Float64Array(p.length));
  const out = [
    new Float32Array(p.length),
    new Float32Array(p.length),
    new Float32Array(p.length),
  ];
  for (let i = 0; i < p.length; i++) {
    const mi = b1 * m[i] + (1 - b1) * g[i];
    const vi = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const denom = Math.sqrt(vi) / Math.sqrt(1 - b2 ** t) + eps;
    out[0][i] = p[i] - (lr / (1 - b1 ** t)) * mi / denom;
    out[1][i] = mi;
    out[2][i] = vi;
    scale[0][i] = Math.abs(p[i]) + Math.abs(p[i] - out[0][i]);
    scale[1][i] = Math.abs(b1 * m[i]) + Math.abs((1 - b1) * g[i]);
    scale[2][i] = Math.abs(b2 * v[i]) + (1 - b2) * g[i] * g[i];
  }
  return { out, scale };
}

Deno.test("adamUpdate() is PyTorch's Adam step", async (t) => {
  await setUp();
  for (const [n, step] of [[37, 1], [4, 7], [1000, 30]]) {
    const p = randomArray(n, n);
    const g = randomArray(n, n + 1).map((x) => x * 0.1);
    const m = randomArray(n, n + 2).map((x) => x * 0.01);
    const v = randomArray(n, n + 3).map((x) => Math.abs(x) * 1e-4);
    const { out: want, scale } = reference(p, g, m, v, step);
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} n=${n} t=${step}`, async () => {
        const got = await onBackend(
          backend,
          [p, g, m, v].map((data) => ({ data, shape: [n] })),
          (pt, gt, mt, vt) =>
            adamUpdate(pt, gt, mt, vt, {
              learningRate: 1e-3,
              beta1: 0.9,
              beta2: 0.999,
              epsilon: 1e-8,
              t: step,
            }),
        );
        got.forEach((a, k) => {
          for (let i = 0; i < n; i++) {
            assert.ok(
              Math.abs(a[i] - want[k][i]) <= 1e-6 * scale[k][i],
              `output ${k}[${i}]: ${a[i]} vs ${want[k][i]}`,
            );
          }
        });
      });
    }
  }
});
