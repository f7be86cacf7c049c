/**
 * Where the horse segmentation data comes from: a folder in the Weizmann
 * layout, or the embedded synthetic shapes (labelled as such) when asked
 * for or, in quick mode only, when no folder is found
 * (lib/data/weizmann_source.ts).
 *
 * The network is pre-trained on colourization, whose input is the grey
 * image, so segmentation feeds it the grey version of each photo too: the
 * body then sees the kind of input it was trained on.
 *
 * @module
 */
import { projectDataDir } from "../io/data_dir.ts";
import { loadWeizmann } from "../data/weizmann.ts";
import { findWeizmann, requireWeizmann } from "../data/weizmann_source.ts";
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
 * The photos a notebook uses, at S x S: the folder {@link defaultWeizmannDir}
 * finds; without one, the synthetic shapes in quick mode and in the offline
 * demonstration (`data` "synthetic"), else the error that says where to get
 * the photos.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function loadHorsePhotos(
  settings: { quick: boolean; data?: string },
  size: number,
): Promise<SegmentationData> {
  const found = requireWeizmann(defaultWeizmannDir(), {
    fallback: settings.quick || settings.data === "synthetic",
    projectDataDir: projectDataDir(),
  });
  return await loadSegmentationData({ data: found, size });
}

/**
 * The Weizmann folder a notebook uses: `COLOURLAB_WEIZMANN` (a folder, or
 * "synthetic"), else `weizmann-horses/` in the data folder when it exists,
 * else undefined: nothing found, which the study refuses in full mode.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function defaultWeizmannDir(): string | undefined {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("COLOURLAB_WEIZMANN");
  } catch { /* no --allow-env */ }
  return findWeizmann(fromEnv || undefined, projectDataDir());
}
