import assert from "node:assert/strict";
import {
  foregroundShare,
  horseProbability,
  maskOverlay,
} from "../../lib/browser/mask.ts";

Deno.test("horseProbability(): softmax of two logits per pixel", () => {
  const p = horseProbability(Float32Array.from([0, 0, 1, 3, 2, -2]));
  assert.ok(Math.abs(p[0] - 0.5) < 1e-7);
  assert.ok(Math.abs(p[1] - Math.exp(3) / (Math.exp(1) + Math.exp(3))) < 1e-6);
  assert.ok(p[2] < 0.02);
  assert.equal(foregroundShare(p, 0.5), 1 / 3);
  assert.equal(foregroundShare(p, 0.4), 2 / 3);
});

Deno.test("maskOverlay(): tints where the upsampled probability exceeds the threshold", () => {
  // 2x2 probabilities: left column horse, right column not; a 4x2 photo of grey 100
  const view = {
    working: {
      data: new Uint8Array(4 * 2 * 3).fill(100),
      width: 4,
      height: 2,
      channels: 3 as const,
    },
    probability: Float32Array.from([1, 0, 1, 0]),
    size: 2,
  };
  const out = maskOverlay(view, 0.5);
  const px = (x: number) => [...out.data.subarray(x * 3, x * 3 + 3)];
  assert.deepEqual(px(0), [Math.round(0.45 * 100 + 0.55 * 0.95 * 255), 66, 59]);
  assert.deepEqual(px(3), [100, 100, 100]);
  // the middle pixels sit at p = 0.75 and 0.25 after bilinear upsampling
  assert.notDeepEqual(px(1), [100, 100, 100]);
  assert.deepEqual(px(2), [100, 100, 100]);
  assert.deepEqual(view.working.data, new Uint8Array(24).fill(100)); // not changed in place
});
