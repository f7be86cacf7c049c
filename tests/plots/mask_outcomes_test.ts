import assert from "node:assert/strict";
import sharp from "sharp";
import {
  maskOutcomes,
  OUTCOME_COLOURS,
  spreadByScore,
} from "../../lib/plots/mask_outcomes.ts";
import { predictionPicture } from "../../lib/finetune/pictures.ts";

/** Two 4x4 chestnut photos; the true horse is the left half. */
function photos() {
  const size = 4;
  const images = new Float32Array(2 * 16 * 3);
  for (let p = 0; p < 32; p++) images.set([0.55, 0.27, 0.07], p * 3);
  const masks = new Uint8Array(32);
  for (let i = 0; i < 2; i++) {
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 2; x++) masks[i * 16 + y * 4 + x] = 1;
    }
  }
  return { images, masks, names: ["horse1", "horse2"], count: 2, size };
}

Deno.test("spreadByScore(): best to worst, evenly spread over the ranks", () => {
  assert.deepEqual(spreadByScore([0.2, 0.9, 0.5, 0.1, 0.7], 3), [1, 2, 3]);
  assert.deepEqual(spreadByScore([0.3, 0.3], 5), [0, 1]);
  assert.deepEqual(spreadByScore([0.4], 1), [0]);
});

Deno.test("maskOutcomes(): each pixel coloured by its outcome, visible on a chestnut coat", async () => {
  const set = photos();
  // predicted: the top half (so top-left TP, top-right FP, bottom-left FN)
  const pred = new Uint8Array(32);
  for (let i = 0; i < 2; i++) {
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 4; x++) pred[i * 16 + y * 4 + x] = 1;
    }
  }
  const png = await maskOutcomes(set, [{
    label: "top",
    masks: pred,
    iou: [1 / 3, 1 / 3],
  }], {
    indices: [0, 1],
    scale: 10,
  });
  const { data, info } = await sharp(png).raw().toBuffer({
    resolveWithObject: true,
  });
  const at = (x: number, y: number) =>
    Array.from(
      data.subarray(
        (y * info.width + x) * info.channels,
        (y * info.width + x) * info.channels + 3,
      ),
    );
  // find the second row's first image: its top-left pixel is a true positive
  const [tp, fp, fn] = Object.values(OUTCOME_COLOURS).map((c) =>
    c.map((v) => Math.round(255 * v))
  );
  const near = (a: number[], b: number[]) =>
    a.every((v, i) => Math.abs(v - b[i]) < 60);
  let found = { tp: false, fp: false, fn: false };
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const p = at(x, y);
      found = {
        tp: found.tp || near(p, tp),
        fp: found.fp || near(p, fp),
        fn: found.fn || near(p, fn),
      };
    }
  }
  assert.deepEqual(found, { tp: true, fp: true, fn: true });
  const again = await predictionPicture(set, { top: pred }, { scale: 10 });
  assert.deepEqual(again, png, "a run's samples.png is the same picture");
});
