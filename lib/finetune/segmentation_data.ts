/**
 * Where the horse segmentation data comes from: a folder in the Weizmann
 * layout, or the embedded synthetic shapes (labelled as such) when asked
 * for or, in quick mode only, when no folder is found
 * (lib/data/weizmann_source.ts); and the grey inputs the network sees.
 *
 * The network is pre-trained on colourization, whose input is the grey
 * image, so segmentation feeds it the grey version of each photo too: the
 * body then sees the kind of input it was trained on.
 *
 * @module
 */
import { loadWeizmann } from "../data/weizmann.ts";
import { findWeizmann } from "../data/weizmann_source.ts";
import type { SegmentationData, SegmentationSet } from "../data/weizmann.ts";
import { syntheticShapes } from "./synthetic_shapes.ts";

export type { SegmentationData, SegmentationSet };

/** Options of {@link loadSegmentationData}. */
export interface SegmentationDataOptions {
  /** A folder in the Weizmann layout; undefined or "synthetic": the synthetic shapes. */
  data?: string;
  /** S: images are resized to S x S (default 64). */
  size?: number;
  /** Seed of the synthetic shapes (default 0). */
  seed?: number;
}

/**
 * Loads the horse photos and masks, or the synthetic shapes when no folder
 * is given.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function loadSegmentationData(
  opts: SegmentationDataOptions = {},
): Promise<SegmentationData> {
  const size = opts.size ?? 64;
  if (opts.data === undefined || opts.data === "synthetic") {
    return syntheticShapes({ size, seed: opts.seed ?? 0 });
  }
  return await loadWeizmann(opts.data, { size });
}

/**
 * Grey version of each photo, [count, S, S, 1]: the unweighted mean of R, G
 * and B, as the colourization inputs are made.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function greySegmentationInputs(set: SegmentationSet): Float32Array {
  const pixels = set.count * set.size * set.size;
  const grey = new Float32Array(pixels);
  for (let p = 0, o = 0; p < pixels; p++, o += 3) {
    grey[p] = (set.images[o] + set.images[o + 1] + set.images[o + 2]) / 3;
  }
  return grey;
}

/**
 * The Weizmann folder a notebook uses: `COLOURLAB_WEIZMANN` (a folder, or
 * "synthetic"), else `data/weizmann-horses` in the project when it exists,
 * else undefined: nothing found, which the study refuses in full mode.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function defaultWeizmannDir(): string | undefined {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("COLOURLAB_WEIZMANN");
  } catch { /* no --allow-env */ }
  const data = decodeURIComponent(
    new URL("../../data", import.meta.url).pathname,
  );
  return findWeizmann(fromEnv || undefined, data);
}
