/**
 * The CIFAR-10 loader: one category's training and validation images from
 * the official binary version, wherever lib/data/cifar_source.ts finds it
 * (an explicit path, the cache in `data/raw/`, else a verified download).
 *
 * @module
 */
import {
  type BatchFiles,
  readArchiveBatches,
  readFolderBatches,
} from "./batch_files.ts";
import { locateCifar, type LocateOptions } from "./cifar_source.ts";
import { DataError } from "./errors.ts";
import { syntheticCategoryData } from "./synthetic.ts";
import type { CategoryData, DataSource, ImageSet } from "./types.ts";

/** The ten CIFAR-10 class names, indexed by label. */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
]);

/** Bytes per record: 1 label byte + 3 planes of 32x32 pixels. */
export const RECORD_BYTES: number = 1 + 3 * 32 * 32;

export { CACHED_ARCHIVE } from "./cifar_source.ts";

/** Options of {@link loadCategoryData}: where to look (see {@link LocateOptions}), and which category. */
export interface LoadOptions extends LocateOptions {
  /** CIFAR-10 label to select (default 7, horse). */
  category?: number;
}

/**
 * Loads one category of CIFAR-10: train = its images in data_batch_1..5,
 * validation = its images in test_batch; NHWC float32 pixels / 256.
 * Throws a {@link DataError} with a clear message for every bad input.
 * `source.sha256` is the sha256 of the archive file, or, for a folder, of
 * the six batch files concatenated in the order data_batch_1..5, test_batch.
 */
export async function loadCategoryData(
  opts: LoadOptions = {},
): Promise<CategoryData> {
  const category = opts.category ?? 7;
  if (!Number.isInteger(category) || category < 0 || category > 9) {
    throw new DataError(`category ${category} is not a CIFAR-10 label (0..9)`);
  }
  const where = await locateCifar(opts);
  switch (where.kind) {
    case "synthetic":
      return syntheticFor(category, where.why);
    case "folder":
      return fromBatches(await readFolderBatches(where.path), category, {
        kind: "folder",
        path: where.path,
        what: "CIFAR-10 binary batch files in folder",
      });
    case "archive":
      return fromBatches(await readArchiveBatches(where.path), category, {
        kind: "archive",
        path: where.path,
        what: "CIFAR-10 binary archive",
      });
    case "cache":
      try {
        return fromBatches(await readArchiveBatches(where.path), category, {
          kind: "cache",
          path: where.path,
          what: "cached CIFAR-10 binary archive",
        });
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        throw new DataError(
          `${err.message} (this is the cached copy: delete it to download again)`,
          { path: err.path, cause: err },
        );
      }
    case "download":
      return fromBatches(await readArchiveBatches(where.path), category, {
        kind: "download",
        path: where.path,
        url: where.url,
        what: `CIFAR-10 binary archive downloaded from ${where.url} to`,
      });
  }
}

/**
 * One category's images from the six batch files (checks every record).
 */
export function categoryImages(
  batches: BatchFiles,
  category: number,
): { train: ImageSet; val: ImageSet } {
  const trainFiles = ["1", "2", "3", "4", "5"].map((i) =>
    `data_batch_${i}.bin`
  );
  return {
    train: collect(batches, trainFiles, category),
    val: collect(batches, ["test_batch.bin"], category),
  };
}

function fromBatches(
  batches: BatchFiles,
  category: number,
  src: { kind: DataSource["kind"]; path: string; url?: string; what: string },
): CategoryData {
  const { train, val } = categoryImages(batches, category);
  const name = CIFAR10_CLASSES[category];
  for (
    const [set, where] of [[train, "training batches"], [
      val,
      "test_batch.bin",
    ]] as const
  ) {
    if (set.count === 0) {
      throw new DataError(
        `${src.path}: no image of category ${category} (${name}) in the ${where}`,
        { path: src.path },
      );
    }
  }
  const source: DataSource = {
    kind: src.kind,
    path: src.path,
    sha256: batches.sha256,
    synthetic: false,
    description:
      `${src.what} ${src.path} (sha256 ${batches.sha256.slice(0, 12)}...): ` +
      `${train.count} training and ${val.count} validation images of category ` +
      `${category} (${name})`,
  };
  if (src.url) source.url = src.url;
  return { train, val, category, categoryName: name, source };
}

/** Checks every record of `names`, then converts the category's to NHWC / 256. */
function collect(
  batches: BatchFiles,
  names: string[],
  category: number,
): ImageSet {
  let count = 0;
  for (const name of names) {
    const bytes = batches.files.get(name)!;
    const where = batches.where.get(name) ?? name;
    if (bytes.length % RECORD_BYTES !== 0) {
      throw new DataError(
        `${where}: ${bytes.length} bytes is not a whole number of ` +
          `${RECORD_BYTES}-byte CIFAR-10 records`,
        { path: where },
      );
    }
    for (let r = 0, off = 0; off < bytes.length; r++, off += RECORD_BYTES) {
      const label = bytes[off];
      if (label > 9) {
        throw new DataError(
          `${where}: record ${r} has label byte ${label} (CIFAR-10 labels are 0..9)`,
          { path: where },
        );
      }
      if (label === category) count++;
    }
  }
  const images = new Float32Array(count * 32 * 32 * 3);
  const labels = new Uint8Array(count).fill(category);
  let o = 0;
  for (const name of names) {
    const bytes = batches.files.get(name)!;
    for (let off = 0; off < bytes.length; off += RECORD_BYTES) {
      if (bytes[off] !== category) continue;
      // channel-planar (1024 R, 1024 G, 1024 B) -> channel-last
      for (let p = 0; p < 1024; p++, o += 3) {
        images[o] = bytes[off + 1 + p] / 256;
        images[o + 1] = bytes[off + 1025 + p] / 256;
        images[o + 2] = bytes[off + 2049 + p] / 256;
      }
    }
  }
  return { images, labels, count, height: 32, width: 32 };
}

function syntheticFor(category: number, why: string): CategoryData {
  const data = syntheticCategoryData();
  data.category = category;
  data.categoryName = CIFAR10_CLASSES[category];
  data.train.labels.fill(category);
  data.val.labels.fill(category);
  data.source.description = `${data.source.description} (${why})`;
  return data;
}
