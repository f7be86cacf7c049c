import assert from "node:assert/strict";
import { DataError } from "../../lib/data/errors.ts";
import { readPaletteFile } from "../../lib/data/palette_file.ts";
import { concat } from "./fixtures.ts";

/** A .npy file as numpy.save writes it (format 1.0, header padded to 64 bytes). */
function npy(
  descr: string,
  shape: number[],
  data: Uint8Array,
  opts: { fortran?: boolean; version?: number } = {},
): Uint8Array {
  const shapeText = shape.length === 1
    ? `(${shape[0]},)`
    : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${
    opts.fortran ? "True" : "False"
  }, 'shape': ${shapeText}, }`;
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  header += " ".repeat(63 - ((pre + header.length) % 64)) + "\n";
  const head = new Uint8Array(pre);
  head.set([0x93, ...new TextEncoder().encode("NUMPY"), version, 0]);
  const view = new DataView(head.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  return concat([head, new TextEncoder().encode(header), data]);
}

const COLOURS = [[0.1, 0.2, 0.3], [0.5, 0.25, 0.125], [0.9, 0.8, 0.7], [
  0,
  0.99609375,
  0.5,
]];

function floats(values: number[], bytes: 4 | 8, bigEndian = false): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  values.forEach((v, i) =>
    bytes === 4
      ? view.setFloat32(i * 4, v, !bigEndian)
      : view.setFloat64(i * 8, v, !bigEndian)
  );
  return out;
}

Deno.test("readPaletteFile() reads .npy and JSON palettes", async (t) => {
  const dir = await Deno.makeTempDir();
  const file = async (name: string, bytes: Uint8Array | string) => {
    const path = `${dir}/${name}`;
    await Deno.writeFile(
      path,
      typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes,
    );
    return path;
  };
  const flat = COLOURS.flat();
  for (const [descr, size] of [["<f4", 4], ["<f8", 8]] as const) {
    await t.step(`.npy ${descr}, shape (4, 3)`, async () => {
      const palette = await readPaletteFile(
        await file(`p${size}.npy`, npy(descr, [4, 3], floats(flat, size))),
      );
      assert.equal(palette.numColours, 4);
      assert.deepEqual(palette.colours, Float32Array.from(flat));
      assert.match(
        palette.description,
        new RegExp(
          `NumPy palette .*p${size}\\.npy \\(${descr}, shape \\(4, 3\\), 4 colours, values 0-1\\)`,
        ),
      );
    });
  }
  await t.step(".npy format 2.0 and Fortran order", async () => {
    const columns = [0, 1, 2].flatMap((c) => COLOURS.map((row) => row[c]));
    const palette = await readPaletteFile(
      await file(
        "f.npy",
        npy("<f8", [4, 3], floats(columns, 8), { fortran: true, version: 2 }),
      ),
    );
    assert.deepEqual(palette.colours, Float32Array.from(flat));
  });
  await t.step(".npy (1, 4, 3) and 0-255 values", async () => {
    const palette = await readPaletteFile(
      await file(
        "b.npy",
        npy("<f4", [1, 4, 3], floats(flat.map((v) => v * 256), 4)),
      ),
    );
    assert.deepEqual(palette.colours, Float32Array.from(flat));
    assert.match(
      palette.description,
      /\(<f4, shape \(1, 4, 3\), 4 colours, values 0-255, divided by 256\)$/,
    );
  });
  await t.step("JSON list and {colours} object", async () => {
    const a = await readPaletteFile(
      await file("a.json", JSON.stringify(COLOURS)),
    );
    const b = await readPaletteFile(
      await file("b.json", JSON.stringify({ colours: COLOURS })),
    );
    assert.deepEqual(a.colours, Float32Array.from(flat));
    assert.deepEqual(b.colours, Float32Array.from(flat));
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readPaletteFile() names the file and the problem otherwise", async (t) => {
  const dir = await Deno.makeTempDir();
  const flat = COLOURS.flat();
  const cases: [string, Uint8Array | string, RegExp][] = [
    [
      "big-endian",
      npy(">f4", [4, 3], floats(flat, 4, true)),
      /bigendian\.npy: unsupported \.npy palette: dtype '>f4' \(expected little-endian float32 '<f4' or float64 '<f8'\)/,
    ],
    ["integers", npy("<i8", [4, 3], new Uint8Array(96)), /dtype '<i8'/],
    [
      "1-D",
      npy("<f4", [12], floats(flat, 4)),
      /shape \(12\) \(expected \(NC, 3\) or \(1, NC, 3\)\)/,
    ],
    [
      "4 channels",
      npy("<f4", [3, 4], floats(flat, 4)),
      /shape \(3, 4\) \(expected \(NC, 3\) or \(1, NC, 3\)\)/,
    ],
    [
      "truncated data",
      npy("<f4", [4, 3], floats(flat, 4).subarray(0, 40)),
      /40 data bytes, expected 48 for shape \(4, 3\)/,
    ],
    [
      "version 9",
      npy("<f4", [4, 3], floats(flat, 4), { version: 9 }),
      /unknown format version 9/,
    ],
    [
      "values above 255",
      npy("<f4", [1, 3], floats([300, 10, 10], 4)),
      /palette value 300 is outside both 0-1 \(RGB \/ 256\) and 0-255/,
    ],
    [
      "negative values",
      npy("<f8", [1, 3], floats([0.5, -0.25, 0], 8)),
      /palette value -0\.25 is outside/,
    ],
    [
      "two leading axes",
      npy("<f4", [2, 4, 3], floats([...flat, ...flat], 4)),
      /shape \(2, 4, 3\) \(expected \(NC, 3\) or \(1, NC, 3\)\)/,
    ],
    [
      "pickled object array",
      npy("|O", [1], new Uint8Array([0x80, 0x04, 0x2e])),
      /a pickled object array \(dtype '\|O'\), which colourlab does not unpickle.*np\.load\('.*pickled\.npy', allow_pickle=True\)/,
    ],
    [
      "not a palette",
      "P6 this is not it",
      /not a palette file \(expected a NumPy \.npy array of shape \(NC, 3\) or \(1, NC, 3\), or JSON\)/,
    ],
    [
      "JSON of the wrong shape",
      JSON.stringify([[1, 2]]),
      /not a palette \(expected JSON \[\[r, g, b\], \.\.\.\]/,
    ],
    [
      "JSON without colours",
      JSON.stringify({ colors: COLOURS }),
      /not a palette/,
    ],
  ];
  for (const [what, bytes, pattern] of cases) {
    await t.step(what, async () => {
      const path = `${dir}/${what.split(" ")[0].replace(/\W/g, "")}.npy`;
      await Deno.writeFile(
        path,
        typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes,
      );
      await assert.rejects(readPaletteFile(path), (e: Error) => {
        assert.ok(e instanceof DataError);
        assert.ok(e.message.startsWith(path), e.message);
        assert.match(e.message, pattern);
        return true;
      });
    });
  }
  await t.step("a missing file", async () => {
    await assert.rejects(
      readPaletteFile(`${dir}/none.npy`),
      /none\.npy: cannot read palette file/,
    );
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readPaletteFile() reads files that numpy.save wrote (tests/fixtures)", async (t) => {
  const fixtures = new URL("../fixtures/", import.meta.url);
  const flat = COLOURS.flat();
  for (
    const name of [
      "palette4_f8.npy",
      "palette4_f4.npy",
      "palette4_f8_fortran.npy",
    ]
  ) {
    await t.step(name, async () => {
      const palette = await readPaletteFile(new URL(name, fixtures).pathname);
      assert.deepEqual(palette.colours, Float32Array.from(flat));
    });
  }
  await t.step("palette4_f4_bigendian.npy is refused", async () => {
    await assert.rejects(
      readPaletteFile(new URL("palette4_f4_bigendian.npy", fixtures).pathname),
      /dtype '>f4'/,
    );
  });
});
