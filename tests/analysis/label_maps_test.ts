import assert from "node:assert/strict";
import {
  accuracyByChroma,
  colourChangeRate,
  nearGreyColours,
  nearGreyShare,
} from "../../lib/analysis/label_maps.ts";
import { PALETTE } from "./study_runs.ts";

Deno.test("colour changes between neighbouring pixels, image by image", () => {
  // two 2x2 maps: the first uniform, the second a checkerboard
  const labels = new Uint8Array([1, 1, 1, 1, 0, 1, 1, 0]);
  // each 2x2 image has 4 neighbour pairs; no pair crosses images
  assert.equal(
    colourChangeRate(labels, { count: 2, height: 2, width: 2 }),
    4 / 8,
  );
  assert.equal(
    colourChangeRate(new Uint8Array([0, 1]), { count: 2, height: 1, width: 1 }),
    NaN,
  );
});

Deno.test("near-grey colours: at or below the palette's median chroma", () => {
  const { nearGrey, chromaThreshold } = nearGreyColours(PALETTE);
  assert.deepEqual(nearGrey, [true, true, true, false, false, false]);
  assert.equal(chromaThreshold, 0);
  const labels = new Uint8Array([0, 1, 3, 4]);
  const predictions = new Uint8Array([0, 2, 3, 5]);
  const a = accuracyByChroma(labels, predictions, nearGrey);
  assert.deepEqual(a, {
    all: 0.5,
    nearGrey: 0.5,
    colourful: 0.5,
    nearGreyShare: 0.5,
  });
  assert.equal(nearGreyShare(predictions, nearGrey), 0.5);
  assert.equal(
    accuracyByChroma(labels, new Uint8Array([0, 1, 0, 0]), nearGrey).colourful,
    0,
  );
});
