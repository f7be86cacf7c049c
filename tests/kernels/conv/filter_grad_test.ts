import assert from "node:assert";
import { convGeometry } from "../../../lib/kernels/conv/conv_geometry.ts";
import { filterGradJs } from "../../../bench/kernels/filter_grad_js.ts";
import { filterGradSimd } from "../../../bench/kernels/plain_arrays.ts";
import { assertClose, randomArray } from "../helpers.ts";

// [N, H, W, C, K, k, stride, dilation, pad]: every tile path (C odd/even,
// K % 16 in {0, 8, 4, 1..3}), strides, dilations, 1x1, 'same'/'valid'.
const shapes: [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  "same" | "valid",
][] = [
  [2, 7, 9, 3, 16, 3, 1, 1, "same"],
  [3, 8, 5, 4, 24, 3, 1, 1, "valid"],
  [2, 9, 7, 5, 3, 1, 1, 1, "same"],
  [1, 11, 10, 2, 7, 5, 1, 1, "same"],
  [2, 9, 8, 3, 12, 3, 2, 1, "same"],
  [2, 9, 11, 1, 32, 3, 2, 1, "valid"],
  [2, 9, 10, 6, 13, 3, 1, 2, "same"],
  [1, 13, 11, 4, 2, 3, 1, 4, "same"],
  [2, 12, 9, 25, 24, 3, 1, 2, "valid"],
  [1, 33, 35, 3, 40, 3, 1, 1, "same"],
];

Deno.test("filterGradSimd matches the float64 JS reference", async (t) => {
  for (const [i, [n, h, w, c, k, f, s, d, pad]] of shapes.entries()) {
    await t.step(
      `x[${n},${h},${w},${c}] k${f} ->${k} s${s} d${d} ${pad}`,
      () => {
        const g = convGeometry([n, h, w, c], [f, f, c, k], {
          strides: s,
          pad,
          dilations: d,
        });
        const x = randomArray(n * h * w * c, 10 + i);
        const dy = randomArray(n * g.outH * g.outW * k, 20 + i);
        const ref = filterGradJs(x, dy, g);
        const got = filterGradSimd(x, dy, g);
        assert.strictEqual(got.length, f * f * c * k);
        assertClose(got, ref, "dW");
      },
    );
  }
});
