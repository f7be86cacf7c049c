/**
 * Palettes written by NumPy itself (Debian's python3-numpy through
 * /usr/bin/python3): the layouts the original assignment's file may have.
 * Skipped, saying so, where NumPy is absent.
 */
import assert from "node:assert/strict";
import { readPaletteFile } from "../../lib/data/palette_file.ts";

const PYTHON = "/usr/bin/python3";

async function python(code: string, cwd?: string) {
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", code],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => undefined);
  return {
    ok: out?.success ?? false,
    text: out ? new TextDecoder().decode(out.stderr) : "no python",
  };
}

const numpy = await python("import numpy");
if (!numpy.ok) {
  console.log(
    `palette_numpy_test: SKIPPED, no NumPy at ${PYTHON} (apt-get install python3-numpy)`,
  );
}

/** 24 colours on the /256 scale, seeded, and the files NumPy writes of them. */
const WRITE = `
import numpy as np
p = np.random.default_rng(0).random((24, 3)) * 255 / 256  # bytes / 256
for dtype in ("float32", "float64"):
    for scale, name in ((1, "01"), (256, "0255")):
        table = (p * scale).astype(dtype)
        np.save(f"t_{dtype}_{name}.npy", table)
        np.save(f"s_{dtype}_{name}.npy", table[None])
        np.save(f"f_{dtype}_{name}.npy", np.asfortranarray(table))
np.save("reference.npy", p.astype("float32"))
np.save("two_columns.npy", p[:, :2])
obj = np.empty(1, dtype=object)
obj[0] = p
np.save("pickled.npy", obj, allow_pickle=True)
`;

Deno.test({
  name: "readPaletteFile() reads the palettes NumPy writes",
  ignore: !numpy.ok,
  async fn(t) {
    const dir = await Deno.makeTempDir();
    try {
      const wrote = await python(WRITE, dir);
      assert.ok(wrote.ok, wrote.text);
      const reference = await readPaletteFile(`${dir}/reference.npy`);
      assert.equal(reference.numColours, 24);
      for (const layout of ["t", "s", "f"]) {
        for (const dtype of ["float32", "float64"]) {
          for (const scale of ["01", "0255"]) {
            const name = `${layout}_${dtype}_${scale}.npy`;
            await t.step(name, async () => {
              const p = await readPaletteFile(`${dir}/${name}`);
              assert.deepEqual(p.colours, reference.colours);
              const shape = layout === "s" ? "1, 24, 3" : "24, 3";
              const values = scale === "01"
                ? "values 0-1"
                : "values 0-255, divided by 256";
              assert.ok(
                p.description.endsWith(
                  `shape (${shape}), 24 colours, ${values})`,
                ),
                p.description,
              );
            });
          }
        }
      }
      await t.step("shape (24, 2): a clear error", async () => {
        await assert.rejects(
          readPaletteFile(`${dir}/two_columns.npy`),
          /two_columns\.npy: unsupported \.npy palette: shape \(24, 2\) \(expected \(NC, 3\) or \(1, NC, 3\)\)/,
        );
      });
      await t.step(
        "a pickled object array: refused with the line that converts it, which works",
        async () => {
          let advice = "";
          await assert.rejects(
            readPaletteFile(`${dir}/pickled.npy`),
            (e: Error) => {
              advice = e.message;
              return /pickled object array/.test(e.message);
            },
          );
          const line = /python3 -c "(.*)" and pass palette\.npy/.exec(advice);
          assert.ok(line, advice);
          const converted = await python(line[1], dir);
          assert.ok(converted.ok, converted.text);
          const p = await readPaletteFile(`${dir}/palette.npy`);
          assert.deepEqual(p.colours, reference.colours);
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
