/**
 * Palettes from files: a NumPy `.npy` array of shape (NC, 3) as `numpy.save`
 * writes it (little-endian float32 or float64, like the original
 * `colour_kmeans24_cat7.npy`), or JSON (`[[r, g, b], ...]` or
 * `{"colours": [[r, g, b], ...]}`), RGB on the /256 scale.
 *
 * @module
 */
import { DataError } from "./errors.ts";
import type { Palette } from "./types.ts";

/** Labels are bytes, so a palette has at most 256 colours. */
export const MAX_COLOURS = 256;

/**
 * Reads a palette from `.npy` or `.json` (chosen by the file's content).
 * Throws a {@link DataError} naming the file and the problem otherwise.
 */
export async function readPaletteFile(path: string): Promise<Palette> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new DataError(
      `${path}: cannot read palette file (${(err as Error).message})`,
      {
        path,
        cause: err,
      },
    );
  }
  if (
    bytes[0] === 0x93 &&
    new TextDecoder().decode(bytes.subarray(1, 6)) === "NUMPY"
  ) {
    return paletteFromNpy(bytes, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new DataError(
      `${path}: not a palette file (expected a NumPy .npy array of shape (NC, 3) or JSON)`,
      { path },
    );
  }
  return paletteFromJson(value, path);
}

/**
 * A palette from a `.npy` file's bytes: 2-D, shape (NC, 3), dtype '<f4' or '<f8'.
 */
export function paletteFromNpy(bytes: Uint8Array, path: string): Palette {
  const fail = (problem: string): never => {
    throw new DataError(`${path}: unsupported .npy palette: ${problem}`, {
      path,
    });
  };
  if (bytes.length < 10) fail("file is truncated");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) {
    fail(`unknown format version ${major}.${bytes[7]}`);
  }
  const headerLength = major === 1
    ? view.getUint16(8, true)
    : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) fail("header is truncated");
  const header = new TextDecoder().decode(
    bytes.subarray(start, start + headerLength),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`cannot parse header ${JSON.stringify(header.trim())}`);
  }
  const itemSize = descr === "<f4" ? 4 : descr === "<f8" ? 8 : 0;
  if (itemSize === 0) {
    fail(
      `dtype '${descr}' (expected little-endian float32 '<f4' or float64 '<f8')`,
    );
  }
  const shape = shapeText!.split(",").map((s) => s.trim()).filter((s) =>
    s !== ""
  )
    .map(Number);
  if (shape.length !== 2 || shape[1] !== 3 || !(shape[0] >= 1)) {
    fail(`shape (${shape.join(", ")}) (expected (NC, 3))`);
  }
  const numColours = shape[0];
  if (numColours > MAX_COLOURS) {
    fail(`${numColours} colours (at most ${MAX_COLOURS})`);
  }
  const dataStart = start + headerLength;
  const expected = numColours * 3 * itemSize;
  if (bytes.length - dataStart !== expected) {
    fail(
      `${
        bytes.length - dataStart
      } data bytes, expected ${expected} for shape (${numColours}, 3)`,
    );
  }
  const colours = new Float32Array(numColours * 3);
  for (let i = 0; i < numColours * 3; i++) {
    // Fortran order stores column by column: element (r, c) sits at c * NC + r.
    const r = Math.floor(i / 3), c = i % 3;
    const at = dataStart +
      (fortran === "True" ? c * numColours + r : i) * itemSize;
    colours[i] = itemSize === 4
      ? view.getFloat32(at, true)
      : view.getFloat64(at, true);
  }
  return checked(
    colours,
    path,
    `NumPy palette ${path} (${descr}, ${numColours} colours)`,
  );
}

/**
 * A palette from parsed JSON: `[[r, g, b], ...]` or an object with `colours`.
 */
export function paletteFromJson(value: unknown, path: string): Palette {
  const list = Array.isArray(value)
    ? value
    : (value as { colours?: unknown } | null)?.colours;
  const ok = Array.isArray(list) && list.length >= 1 &&
    list.length <= MAX_COLOURS &&
    list.every((c) =>
      Array.isArray(c) && c.length === 3 &&
      c.every((v) => typeof v === "number")
    );
  if (!ok) {
    throw new DataError(
      `${path}: not a palette (expected JSON [[r, g, b], ...] or {"colours": [[r, g, b], ...]} ` +
        `with 1..${MAX_COLOURS} colours)`,
      { path },
    );
  }
  const colours = Float32Array.from((list as number[][]).flat());
  const description =
    typeof (value as { description?: unknown }).description === "string"
      ? (value as { description: string }).description
      : `JSON palette ${path} (${colours.length / 3} colours)`;
  return checked(colours, path, description);
}

function checked(
  colours: Float32Array,
  path: string,
  description: string,
): Palette {
  for (const v of colours) {
    if (!(v >= 0 && v <= 1)) {
      throw new DataError(
        `${path}: palette value ${v} is outside [0, 1] (colours are RGB / 256${
          v > 1 ? "; 0..255 values must be divided by 256" : ""
        })`,
        { path },
      );
    }
  }
  return { colours, numColours: colours.length / 3, description };
}
