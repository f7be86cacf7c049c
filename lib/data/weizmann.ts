/**
 * Loader of the Weizmann Horse Database layout: photos in `rgb/` (or
 * `horse/`), figure-ground masks with the same file stem in `mask/`.
 * Photos of any size (JPEG or PNG) and masks stored as 0/1 or 0/255 are
 * resized with sharp to S x S (photos bilinear-ish lanczos, masks nearest),
 * and split by the number in the name: horse001-278 train, 279-327 test.
 *
 * @module
 */
import sharp from "sharp";
import type { DataSource } from "./types.ts";

/** Photos and masks at one size. */
export interface SegmentationSet {
  /** [count, size, size, 3] RGB in [0, 1). */
  images: Float32Array;
  /** [count, size, size]: 1 = horse, 0 = background. */
  masks: Uint8Array;
  /** File stem of each image, e.g. "horse279". */
  names: string[];
  count: number;
  size: number;
}

/** The train and test splits and where they came from. */
export interface SegmentationData {
  train: SegmentationSet;
  test: SegmentationSet;
  source: DataSource;
}

/** Options of {@link loadWeizmann}. */
export interface WeizmannOptions {
  /** S: images and masks are resized to S x S (default 64). */
  size?: number;
  /** Inclusive range of image numbers for training (default [1, 278]). */
  trainRange?: [number, number];
  /** Inclusive range of image numbers for testing (default [279, 327]). */
  testRange?: [number, number];
}

const PHOTO_DIRS = ["rgb", "horse", "images"];
const IMAGE_EXT = /\.(jpe?g|png)$/i;

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function listImages(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && IMAGE_EXT.test(e.name)) names.push(e.name);
  }
  return names.sort();
}

function stem(name: string): string {
  return name.replace(IMAGE_EXT, "");
}

/** The number in a stem such as "horse279" (its last run of digits). */
function imageNumber(name: string): number | undefined {
  const m = stem(name).match(/(\d+)\D*$/);
  return m ? Number(m[1]) : undefined;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function readImage(
  path: string,
  what: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; width: number; height: number }> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error("no dimensions");
    return { bytes, width: meta.width, height: meta.height };
  } catch (e) {
    throw new Error(
      `unreadable ${what} ${path} (not a JPEG or PNG image?): ${
        (e as Error).message
      }`,
    );
  }
}

/**
 * Loads a folder in the Weizmann layout. Throws a clear error naming the
 * file for: no photo folder, an empty folder, a photo without a mask, a mask
 * whose size differs from its photo's, an unreadable image, a split with no
 * image.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function loadWeizmann(
  dir: string,
  opts: WeizmannOptions = {},
): Promise<SegmentationData> {
  const size = opts.size ?? 64;
  const trainRange = opts.trainRange ?? [1, 278];
  const testRange = opts.testRange ?? [279, 327];
  if (!(await isDir(dir))) throw new Error(`no such folder: ${dir}`);
  let photoDir: string | undefined;
  for (const d of PHOTO_DIRS) {
    if (await isDir(`${dir}/${d}`)) {
      photoDir = `${dir}/${d}`;
      break;
    }
  }
  const maskDir = `${dir}/mask`;
  if (!photoDir || !(await isDir(maskDir))) {
    throw new Error(
      `${dir} is not in the Weizmann layout: expected a photo folder (${
        PHOTO_DIRS.join(" or ")
      }/) and mask/ beside it`,
    );
  }
  const photos = await listImages(photoDir);
  if (photos.length === 0) {
    throw new Error(`no JPEG or PNG photos in ${photoDir}`);
  }
  const masks = new Map((await listImages(maskDir)).map((m) => [stem(m), m]));

  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  photos.forEach((p, i) => {
    const num = imageNumber(p);
    if (num === undefined) return;
    if (num >= trainRange[0] && num <= trainRange[1]) trainIdx.push(i);
    else if (num >= testRange[0] && num <= testRange[1]) testIdx.push(i);
  });
  if (trainIdx.length === 0 || testIdx.length === 0) {
    throw new Error(
      `${photoDir}: no photo numbered in the ${
        trainIdx.length === 0 ? "train" : "test"
      } range [${trainIdx.length === 0 ? trainRange : testRange}]`,
    );
  }

  const hashes: string[] = [];
  async function loadSet(indices: number[]): Promise<SegmentationSet> {
    const pixels = size * size;
    const images = new Float32Array(indices.length * pixels * 3);
    const maskOut = new Uint8Array(indices.length * pixels);
    const names: string[] = [];
    for (const [k, i] of indices.entries()) {
      const name = photos[i];
      const maskName = masks.get(stem(name));
      if (!maskName) {
        throw new Error(
          `missing mask for photo ${photoDir}/${name}: expected ${maskDir}/${
            stem(name)
          }.png`,
        );
      }
      const photo = await readImage(`${photoDir}/${name}`, "photo");
      const mask = await readImage(`${maskDir}/${maskName}`, "mask");
      if (photo.width !== mask.width || photo.height !== mask.height) {
        throw new Error(
          `mismatched mask ${maskDir}/${maskName}: ${mask.width}x${mask.height}, its photo ${name} is ${photo.width}x${photo.height}`,
        );
      }
      hashes.push(
        `${name}:${await sha256Hex(photo.bytes)}:${await sha256Hex(
          mask.bytes,
        )}`,
      );
      const rgb = await sharp(photo.bytes).removeAlpha().toColourspace("srgb")
        .resize(size, size, { fit: "fill" }).raw().toBuffer();
      const m = await sharp(mask.bytes).extractChannel(0)
        .resize(size, size, { fit: "fill", kernel: "nearest" }).raw()
        .toBuffer();
      if (rgb.length !== pixels * 3 || m.length !== pixels) {
        throw new Error(`unexpected decoded size for ${name}`);
      }
      for (let p = 0; p < pixels * 3; p++) {
        images[k * pixels * 3 + p] = rgb[p] / 256;
      }
      // 0/1 and 0/255 masks: anything at or above half the largest value is horse.
      let max = 0;
      for (let p = 0; p < pixels; p++) max = Math.max(max, m[p]);
      const cut = max <= 1 ? 1 : 128;
      for (let p = 0; p < pixels; p++) {
        maskOut[k * pixels + p] = m[p] >= cut ? 1 : 0;
      }
      names.push(stem(name));
    }
    return { images, masks: maskOut, names, count: indices.length, size };
  }

  const train = await loadSet(trainIdx);
  const test = await loadSet(testIdx);
  const sha256 = await sha256Hex(new TextEncoder().encode(hashes.join("\n")));
  return {
    train,
    test,
    source: {
      kind: "folder",
      path: dir,
      sha256,
      synthetic: false,
      description:
        `Weizmann horses ${dir}: ${train.count} train, ${test.count} test, resized to ${size}x${size}`,
    },
  };
}
