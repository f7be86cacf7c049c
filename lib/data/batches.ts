/**
 * Views of image sets that trainers need: grey inputs and the first N images.
 *
 * @module
 */
import type { ImageSet } from "./types.ts";

/**
 * Grey version of every image, [count, height, width, 1]: the unweighted mean
 * of R, G and B, as the handout's grey inputs.
 */
export function greyImages(set: ImageSet): Float32Array {
  const pixels = set.count * set.height * set.width;
  const grey = new Float32Array(pixels);
  const rgb = set.images;
  for (let p = 0, o = 0; p < pixels; p++, o += 3) {
    grey[p] = (rgb[o] + rgb[o + 1] + rgb[o + 2]) / 3;
  }
  return grey;
}

/**
 * The first `limit` images (a view sharing memory, not a copy); the whole set
 * when `limit` is undefined or at least its size.
 */
export function limitImageSet(set: ImageSet, limit?: number): ImageSet {
  if (limit === undefined || limit >= set.count) return set;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  const perImage = set.height * set.width * 3;
  return {
    images: set.images.subarray(0, limit * perImage),
    labels: set.labels.subarray(0, limit),
    count: limit,
    height: set.height,
    width: set.width,
  };
}
