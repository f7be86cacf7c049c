/**
 * A tiny learnable data set for trainer tests: 8x8 grey images whose label at
 * each pixel is its grey level in NC bins (what a conv net learns quickly).
 *
 * @module
 */
import { seededRng } from "../../lib/random.ts";
import type { TrainData } from "../../lib/train/types.ts";

/** `train` + `val` images of size 8x8 with `numColours` classes. */
export function tinyData(
  opts: { train?: number; val?: number; numColours?: number; seed?: number } =
    {},
): TrainData {
  const size = 8;
  const numColours = opts.numColours ?? 4;
  const rng = seededRng(opts.seed ?? 1);
  const make = (n: number) => {
    const x = new Float32Array(n * size * size);
    const y = new Uint8Array(n * size * size);
    for (let i = 0; i < x.length; i++) {
      x[i] = rng();
      y[i] = Math.min(numColours - 1, Math.floor(x[i] * numColours));
    }
    return { x, y };
  };
  const train = make(opts.train ?? 40);
  const val = make(opts.val ?? 10);
  return {
    trainX: train.x,
    trainY: train.y,
    valX: val.x,
    valY: val.y,
    height: size,
    width: size,
    numColours,
  };
}
