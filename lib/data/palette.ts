/**
 * The colour palette: k-means over the category's training pixels, cached in
 * the data folder, and the nearest-colour labels that turn colourization into
 * per-pixel classification.
 *
 * @module
 */
import { weightedKMeans } from "./kmeans.ts";
import { paletteFromJson } from "./palette_file.ts";
import type { CategoryData, Palette } from "./types.ts";

export { readPaletteFile } from "./palette_file.ts";

/** Options of {@link kMeansPalette}. */
export interface KMeansPaletteOptions {
  /** NC, the number of colours (1..256). */
  numColours: number;
  /** Seed of the k-means++ start. */
  seed: number;
  /** Stop after this many Lloyd iterations if not converged (default 1000). */
  maxIterations?: number;
}

/**
 * k-means (seeded k-means++ start, Lloyd iterations until no assignment
 * changes) over RGB triples; colours sorted by luminance, then R, G, B, so
 * labels are stable. Pixels on the /256 grid are grouped by distinct colour
 * first (same result, far fewer points).
 */
export function kMeansPalette(
  pixels: Float32Array,
  opts: KMeansPaletteOptions,
): Palette {
  const { numColours, seed } = opts;
  if (!Number.isInteger(numColours) || numColours < 1 || numColours > 256) {
    throw new RangeError(
      `numColours must be an integer in 1..256, got ${numColours}`,
    );
  }
  if (pixels.length % 3 !== 0 || pixels.length === 0) {
    throw new RangeError(
      `pixels must be a non-empty list of RGB triples (length ${pixels.length})`,
    );
  }
  const count = pixels.length / 3;
  const grouped = distinctColours(pixels);
  const { points, weights } = grouped ?? {
    points: Float64Array.from(pixels),
    weights: new Float64Array(count).fill(1),
  };
  const result = weightedKMeans(points, weights, numColours, opts);
  const order = [...Array(numColours).keys()].sort((a, b) =>
    compareColours(result.centres, a, b)
  );
  const colours = new Float32Array(numColours * 3);
  order.forEach((j, i) =>
    colours.set(result.centres.subarray(j * 3, j * 3 + 3), i * 3)
  );
  const ending = result.converged
    ? `converged after ${result.iterations} Lloyd iterations`
    : `stopped unconverged after ${result.iterations} Lloyd iterations`;
  const n = (x: number) => x.toLocaleString("en");
  const distinct = grouped ? ` (${n(weights.length)} distinct colours)` : "";
  return {
    colours,
    numColours,
    description: `k-means++ (seed ${seed}), ${ending}, over all ${n(count)} ` +
      `pixels${distinct}; sorted by luminance`,
  };
}

/**
 * The palette of `data`: read from `cacheDir/palettes/` when computed before
 * for the same data (sha256), category, training image count, NC and seed;
 * else k-means over ALL training pixels of the category and written there
 * atomically. Pass the full data, not a view limited by `--limit-train`.
 */
export async function loadOrComputePalette(
  data: CategoryData,
  opts: { numColours: number; seed: number; cacheDir?: string },
): Promise<Palette> {
  const dir = `${opts.cacheDir ?? "data"}/palettes`;
  // The image count guards against a limited view sharing the full data's key.
  const { sha256 } = data.source;
  const key =
    `${sha256.slice(0, 16)}_cat${data.category}_n${data.train.count}` +
    `_nc${opts.numColours}_seed${opts.seed}`;
  const path = `${dir}/kmeans_v1_${key}.json`;
  try {
    const saved = JSON.parse(await Deno.readTextFile(path));
    if (saved.sha256 === sha256 && saved.trainCount === data.train.count) {
      const palette = paletteFromJson(saved, path);
      if (palette.numColours === opts.numColours) {
        return {
          ...palette,
          description: `${palette.description} (cached in ${path})`,
        };
      }
    }
  } catch { /* not cached yet, or unreadable: compute it again */ }
  const palette = kMeansPalette(data.train.images, opts);
  palette.description =
    `${palette.description}; training images of ${data.source.description}`;
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.part`;
  const json = {
    description: palette.description,
    sha256,
    category: data.category,
    trainCount: data.train.count,
    numColours: opts.numColours,
    seed: opts.seed,
    colours: [...Array(palette.numColours).keys()].map((i) =>
      Array.from(palette.colours.subarray(i * 3, i * 3 + 3))
    ),
  };
  try {
    await Deno.writeTextFile(temp, JSON.stringify(json, null, 1) + "\n");
    await Deno.rename(temp, path);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  return palette;
}

/**
 * The label of every pixel: the index of its nearest palette colour
 * (Euclidean in RGB; the lowest index wins ties). `images` is [..., 3].
 */
export function nearestColourLabels(
  images: Float32Array,
  palette: Palette,
): Uint8Array {
  const k = palette.numColours;
  const pal = Float64Array.from(palette.colours);
  const labels = new Uint8Array(images.length / 3);
  for (let p = 0, o = 0; p < labels.length; p++, o += 3) {
    const r = images[o], g = images[o + 1], b = images[o + 2];
    let best = 0;
    let bestD = Infinity;
    for (let j = 0, q = 0; j < k; j++, q += 3) {
      const dr = r - pal[q], dg = g - pal[q + 1], db = b - pal[q + 2];
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    labels[p] = best;
  }
  return labels;
}

/**
 * Palette colours of labels, [..., 3]: shows predictions as images.
 */
export function paletteToRgb(
  labels: Uint8Array,
  palette: Palette,
): Float32Array {
  const rgb = new Float32Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    const j = labels[p];
    if (j >= palette.numColours) {
      throw new RangeError(
        `label ${j} at ${p} is not below numColours ${palette.numColours}`,
      );
    }
    rgb[p * 3] = palette.colours[j * 3];
    rgb[p * 3 + 1] = palette.colours[j * 3 + 1];
    rgb[p * 3 + 2] = palette.colours[j * 3 + 2];
  }
  return rgb;
}

/** Distinct colours and their counts, when every value is a multiple of 1/256 in [0, 1). */
function distinctColours(
  pixels: Float32Array,
): { points: Float64Array; weights: Float64Array } | undefined {
  const counts = new Uint32Array(1 << 24);
  for (let i = 0; i < pixels.length; i += 3) {
    const r = pixels[i] * 256, g = pixels[i + 1] * 256, b = pixels[i + 2] * 256;
    if (!(isByte(r) && isByte(g) && isByte(b))) return undefined;
    counts[(r << 16) | (g << 8) | b]++;
  }
  let n = 0;
  for (let key = 0; key < counts.length; key++) if (counts[key] > 0) n++;
  const points = new Float64Array(n * 3);
  const weights = new Float64Array(n);
  for (let key = 0, i = 0; key < counts.length; key++) {
    if (counts[key] === 0) continue;
    points[i * 3] = (key >> 16) / 256;
    points[i * 3 + 1] = ((key >> 8) & 255) / 256;
    points[i * 3 + 2] = (key & 255) / 256;
    weights[i++] = counts[key];
  }
  return { points, weights };
}

function isByte(v: number): boolean {
  return v >= 0 && v <= 255 && Number.isInteger(v);
}

/** By luminance (Rec. 601 weights), then R, G, B. */
function compareColours(c: Float64Array, a: number, b: number): number {
  const lum = (j: number) =>
    0.299 * c[j * 3] + 0.587 * c[j * 3 + 1] + 0.114 * c[j * 3 + 2];
  return lum(a) - lum(b) || c[a * 3] - c[b * 3] ||
    c[a * 3 + 1] - c[b * 3 + 1] ||
    c[a * 3 + 2] - c[b * 3 + 2];
}
