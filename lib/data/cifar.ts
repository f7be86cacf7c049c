/**
 * The CIFAR-10 loader: one category's training and validation images from
 * the official binary version, found in this order: an explicit path (the
 * `data` option or `COLOURLAB_DATA`; an archive or an extracted folder), the
 * cache in `data/raw/`, else a verified download of the official archive.
 *
 * @module
 */
import {
  type BatchFiles,
  readArchiveBatches,
  readFolderBatches,
} from "./batch_files.ts";
import {
  CIFAR10_MD5,
  CIFAR10_URL,
  DownloadError,
  type DownloadProgress,
  downloadVerified,
} from "./download.ts";
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

/** Where the downloaded archive is cached, relative to the cache folder. */
export const CACHED_ARCHIVE = "raw/cifar-10-binary.tar.gz";

/** Options of {@link loadCategoryData}. */
export interface LoadOptions {
  /** "synthetic", an archive (.tar.gz) or an extracted folder; else env COLOURLAB_DATA. */
  data?: string;
  /** CIFAR-10 label to select (default 7, horse). */
  category?: number;
  /** Cache folder (default "data", relative to the working directory). */
  cacheDir?: string;
  /** Download URL (default env COLOURLAB_CIFAR_URL, else the official one). */
  url?: string;
  /** md5 the download must have (default the official archive's). */
  expectedMd5?: string;
  /** Connect timeout of the download in ms (default 15,000). */
  connectTimeoutMs?: number;
  /** Download progress, on every chunk (thousands of calls: throttle what you show). */
  onProgress?: (p: DownloadProgress) => void;
  /** Offline with nothing cached: use the synthetic set (true) or throw (false, default). */
  syntheticFallback?: boolean;
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
  const fromEnv = opts.data === undefined
    ? envVar("COLOURLAB_DATA")
    : undefined;
  const explicit = opts.data ?? fromEnv;
  if (explicit === "synthetic") return syntheticFor(category, "as asked");
  if (explicit !== undefined && explicit !== "") {
    const origin = fromEnv === undefined ? "the data option" : "COLOURLAB_DATA";
    return await fromPath(explicit, category, origin);
  }
  const cacheDir = opts.cacheDir ?? "data";
  const cached = `${cacheDir}/${CACHED_ARCHIVE}`;
  if (await isFile(cached)) {
    try {
      return fromBatches(await readArchiveBatches(cached), category, {
        kind: "cache",
        path: cached,
        what: "cached CIFAR-10 binary archive",
      });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      throw new DataError(
        `${err.message} (this is the cached copy: delete it to download again)`,
        { path: err.path, cause: err },
      );
    }
  }
  const url = opts.url ?? envVar("COLOURLAB_CIFAR_URL") ?? CIFAR10_URL;
  try {
    await downloadVerified(url, cached, {
      expectedMd5: opts.expectedMd5 ?? CIFAR10_MD5,
      connectTimeoutMs: opts.connectTimeoutMs,
      onProgress: opts.onProgress,
    });
  } catch (err) {
    if (!(err instanceof DownloadError) || err.reason === "md5") throw err;
    if (opts.syntheticFallback) {
      return syntheticFor(category, `no CIFAR-10 data: ${err.message}`);
    }
    throw new DataError(
      `No CIFAR-10 data: nothing cached at ${cached} and ${err.message}. ` +
        `Pass a local copy of the binary archive (cifar-10-binary.tar.gz) or its ` +
        `extracted folder with --data PATH or COLOURLAB_DATA=PATH, ` +
        `or use --data synthetic for the built-in synthetic set.`,
      { path: url, cause: err },
    );
  }
  return fromBatches(await readArchiveBatches(cached), category, {
    kind: "download",
    path: cached,
    url,
    what: `CIFAR-10 binary archive downloaded from ${url} to`,
  });
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

async function fromPath(
  path: string,
  category: number,
  origin: string,
): Promise<CategoryData> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new DataError(
        `${path}: no such file or folder (given by ${origin})`,
        {
          path,
        },
      );
    }
    throw err;
  }
  if (info.isDirectory) {
    return fromBatches(await readFolderBatches(path), category, {
      kind: "folder",
      path,
      what: "CIFAR-10 binary batch files in folder",
    });
  }
  return fromBatches(await readArchiveBatches(path), category, {
    kind: "archive",
    path,
    what: "CIFAR-10 binary archive",
  });
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

/** An environment variable, or undefined when unset or not permitted. */
function envVar(name: string): string | undefined {
  if (
    Deno.permissions.querySync({ name: "env", variable: name }).state !==
      "granted"
  ) {
    return undefined;
  }
  return Deno.env.get(name);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
