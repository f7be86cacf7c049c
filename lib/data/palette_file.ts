/**
 * Palettes from files: a NumPy `.npy` array as `numpy.save` writes it, of
 * shape (NC, 3) or (1, NC, 3) (the original assignment's
 * `colour_kmeans24_cat7.npy`, which its starter code reads with
 * `np.load(path, allow_pickle=True)[0]`), little-endian float32 or float64;
 * or JSON (`[[r, g, b], ...]` or `{"colours": [[r, g, b], ...]}`). Values on
 * the /256 scale (0-1) or 0-255, told apart by the values and divided by 256
 * in the second case. A pickled object array is refused with the NumPy line
 * that converts it: unpickling a file can run any code.
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
      `${path}: not a palette file (expected a NumPy .npy array of shape (NC, 3) or (1, NC, 3), or JSON)`,
      { path },
    );
  }
  return paletteFromJson(value, path);
}

/**
 * A palette from a `.npy` file's bytes: shape (NC, 3) or (1, NC, 3), dtype
 * '<f4' or '<f8'.
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
  if (descr === "|O") fail(pickledAdvice(path));
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
  // (1, NC, 3): the starter code's file, whose element 0 is the (NC, 3) table
  const table = shape.length === 3 && shape[0] === 1 ? shape.slice(1) : shape;
  if (table.length !== 2 || table[1] !== 3 || !(table[0] >= 1)) {
    fail(`shape (${shape.join(", ")}) (expected (NC, 3) or (1, NC, 3))`);
  }
  const numColours = table[0];
  if (numColours > MAX_COLOURS) {
    fail(`${numColours} colours (at most ${MAX_COLOURS})`);
  }
  const dataStart = start + headerLength;
  const expected = numColours * 3 * itemSize;
  if (bytes.length - dataStart !== expected) {
    fail(
      `${
        bytes.length - dataStart
      } data bytes, expected ${expected} for shape (${shape.join(", ")})`,
    );
  }
  const colours = new Float32Array(numColours * 3);
  for (let i = 0; i < numColours * 3; i++) {
    // Fortran order stores column by column: element (r, c) sits at c * NC + r
    // (a leading axis of length 1 changes nothing).
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
    `NumPy palette ${path} (${descr}, shape (${
      shape.join(", ")
    }), ${numColours} colours`,
  );
}

/** Why a pickled .npy is refused, and the one NumPy line that converts it. */
function pickledAdvice(path: string): string {
  const quoted = path.replaceAll("'", "\\'");
  return `a pickled object array (dtype '|O'), which colourlab does not ` +
    `unpickle (unpickling a file can run any code). If you trust the file, ` +
    `convert it once with NumPy: /usr/bin/python3 -c "import numpy as np; ` +
    `np.save('palette.npy', np.asarray(np.load('${quoted}', allow_pickle=True)` +
    `.tolist(), dtype=np.float64).reshape(-1, 3))" and pass palette.npy`;
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
  const own = (value as { description?: unknown }).description;
  if (typeof own === "string") return checked(colours, path, own, false);
  return checked(
    colours,
    path,
    `JSON palette ${path} (${colours.length / 3} colours`,
  );
}

/**
 * Checks the values and brings 0-255 ones to the /256 scale. `description`
 * is completed with the scale found (its closing parenthesis added) unless
 * `describeScale` is false (a JSON palette's own description).
 */
function checked(
  colours: Float32Array,
  path: string,
  description: string,
  describeScale = true,
): Palette {
  let max = 0;
  for (const v of colours) {
    if (!(v >= 0 && v <= 255)) {
      throw new DataError(
        `${path}: palette value ${v} is outside both 0-1 (RGB / 256) and 0-255`,
        { path },
      );
    }
    max = Math.max(max, v);
  }
  // A palette of bytes has some channel above 1 unless it is black to the
  // last colour; one on the /256 scale never does.
  const bytes = max > 1;
  if (bytes) { for (let i = 0; i < colours.length; i++) colours[i] /= 256; }
  const scale = bytes ? "values 0-255, divided by 256" : "values 0-1";
  return {
    colours,
    numColours: colours.length / 3,
    description: describeScale ? `${description}, ${scale})` : description,
  };
}
