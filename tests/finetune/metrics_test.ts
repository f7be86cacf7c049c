import assert from "node:assert/strict";
import {
  foregroundIoU,
  segmentationScores,
  summariseSeeds,
  thresholdedScore,
} from "../../lib/finetune/metrics.ts";

Deno.test("thresholdedScore() is the original's clamp(ceil(20 (IoU - 0.5)), 0, 10) / 10", () => {
  const cases: [number, number][] = [
    [0, 0],
    [0.5, 0],
    [0.52, 0.1],
    [0.549, 0.1],
    [0.56, 0.2],
    [0.74, 0.5],
    [0.951, 1],
    [1, 1],
  ];
  for (const [iou, score] of cases) {
    assert.equal(thresholdedScore(iou), score, `IoU ${iou}`);
  }
});

Deno.test("foregroundIoU() per image, by hand", () => {
  // Two 2x2 images: [1,1,0,0] vs [1,0,1,0] -> 1/3; [0,0,0,0] vs [0,0,0,0] -> 1 (empty = perfect).
  const pred = new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0]);
  const truth = new Uint8Array([1, 0, 1, 0, 0, 0, 0, 0]);
  const iou = foregroundIoU(pred, truth, 2);
  assert.ok(Math.abs(iou[0] - 1 / 3) < 1e-6);
  assert.ok(Math.abs(iou[1] - 1) < 1e-6);
  const s = segmentationScores(pred, truth, 2);
  assert.ok(Math.abs(s.iou - 2 / 3) < 1e-6);
  assert.equal(s.thresholdedIou, 0.5); // (0 + 1) / 2
  assert.throws(() => foregroundIoU(pred, truth.subarray(0, 4), 2), /pixels/);
});

Deno.test("summariseSeeds() gives mean and range", () => {
  assert.deepEqual(summariseSeeds([0.2, 0.4, 0.3]), {
    mean: 0.30000000000000004,
    min: 0.2,
    max: 0.4,
  });
  assert.throws(() => summariseSeeds([]), /no values/);
});
