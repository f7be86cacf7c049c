import assert from "node:assert/strict";
import sharp from "sharp";
import { loadWeizmann } from "../../lib/data/weizmann.ts";

/** A w x h photo whose left half is dark and right half bright, as JPEG or PNG. */
async function photo(
  w: number,
  h: number,
  format: "jpeg" | "png",
): Promise<Uint8Array> {
  const raw = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      raw.fill(x < w / 2 ? 40 : 220, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  return new Uint8Array(
    await (format === "jpeg" ? img.jpeg() : img.png()).toBuffer(),
  );
}

/** A w x h grey mask: the top `frac` of the rows are horse, stored as `on` (1 or 255). */
async function mask(
  w: number,
  h: number,
  on: number,
  frac = 0.5,
): Promise<Uint8Array> {
  const raw = new Uint8Array(w * h);
  raw.fill(on, 0, Math.round(h * frac) * w);
  return new Uint8Array(
    await sharp(raw, { raw: { width: w, height: h, channels: 1 } }).png()
      .toBuffer(),
  );
}

/** A folder in the Weizmann layout with photos numbered `numbers`. */
async function fixture(numbers: number[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "colourlab_weizmann_" });
  await Deno.mkdir(`${dir}/rgb`);
  await Deno.mkdir(`${dir}/mask`);
  for (const [i, n] of numbers.entries()) {
    const name = `horse${String(n).padStart(3, "0")}`;
    // Sizes and formats vary; masks alternate between 0/255 and 0/1.
    const [w, h] = i % 2 === 0 ? [40, 30] : [24, 36];
    const ext = i % 2 === 0 ? "jpg" : "png";
    await Deno.writeFile(
      `${dir}/rgb/${name}.${ext}`,
      await photo(w, h, i % 2 === 0 ? "jpeg" : "png"),
    );
    await Deno.writeFile(
      `${dir}/mask/${name}.png`,
      await mask(w, h, i % 2 === 0 ? 255 : 1),
    );
  }
  return dir;
}

Deno.test({
  name: "loadWeizmann() reads, resizes and splits the Weizmann layout",
  fn: async (t) => {
    const dir = await fixture([1, 2, 278, 279, 300]);
    try {
      const data = await loadWeizmann(dir, { size: 16 });
      await t.step("split by number: 1-278 train, 279-327 test", () => {
        assert.deepEqual(data.train.names, [
          "horse001",
          "horse002",
          "horse278",
        ]);
        assert.deepEqual(data.test.names, ["horse279", "horse300"]);
        assert.equal(data.train.images.length, 3 * 16 * 16 * 3);
        assert.equal(data.test.masks.length, 2 * 16 * 16);
      });
      await t.step(
        "masks 0/255 and 0/1 both become 0/1, resized by nearest",
        () => {
          for (const set of [data.train, data.test]) {
            for (let i = 0; i < set.count; i++) {
              const m = set.masks.subarray(i * 256, (i + 1) * 256);
              // Top half horse, bottom half background, whatever the stored scale.
              assert.equal(
                m.subarray(0, 128).reduce((s, v) => s + v, 0),
                128,
                set.names[i],
              );
              assert.equal(
                m.subarray(128).reduce((s, v) => s + v, 0),
                0,
                set.names[i],
              );
            }
          }
        },
      );
      await t.step("photos resized to S x S, pixels / 256", () => {
        const img = data.train.images;
        // Row 8: left column dark (40), right column bright (220); JPEG is lossy.
        const left = img[(8 * 16 + 0) * 3];
        const right = img[(8 * 16 + 15) * 3];
        assert.ok(Math.abs(left - 40 / 256) < 0.05, `left ${left}`);
        assert.ok(Math.abs(right - 220 / 256) < 0.05, `right ${right}`);
      });
      await t.step("provenance: a folder, not synthetic, with a hash", () => {
        assert.equal(data.source.kind, "folder");
        assert.equal(data.source.synthetic, false);
        assert.match(data.source.sha256, /^[0-9a-f]{64}$/);
      });
      await t.step("a custom split is honoured", async () => {
        const d = await loadWeizmann(dir, {
          size: 8,
          trainRange: [1, 2],
          testRange: [300, 300],
        });
        assert.deepEqual(d.train.names, ["horse001", "horse002"]);
        assert.deepEqual(d.test.names, ["horse300"]);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "loadWeizmann() names the file and the problem for bad input",
  fn: async (t) => {
    await t.step("missing mask", async () => {
      const dir = await fixture([1, 279]);
      try {
        await Deno.remove(`${dir}/mask/horse279.png`);
        await assert.rejects(
          () => loadWeizmann(dir),
          /missing mask .*horse279/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("mask of another size than its photo", async () => {
      const dir = await fixture([1, 279]);
      try {
        await Deno.writeFile(
          `${dir}/mask/horse001.png`,
          await mask(10, 10, 255),
        );
        await assert.rejects(
          () => loadWeizmann(dir),
          /mismatched mask .*horse001\.png: 10x10/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("unreadable image", async () => {
      const dir = await fixture([1, 279]);
      try {
        await Deno.writeFile(
          `${dir}/rgb/horse279.png`,
          new TextEncoder().encode("not an image"),
        );
        await assert.rejects(
          () => loadWeizmann(dir),
          /unreadable photo .*horse279\.png/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("empty photo folder", async () => {
      const dir = await fixture([]);
      try {
        await assert.rejects(
          () => loadWeizmann(dir),
          /no JPEG or PNG photos in .*rgb/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("not the layout, and no such folder", async () => {
      const dir = await Deno.makeTempDir({ prefix: "colourlab_weizmann_" });
      try {
        await assert.rejects(
          () => loadWeizmann(dir),
          /not in the Weizmann layout/,
        );
        await assert.rejects(
          () => loadWeizmann(`${dir}/nope`),
          /no such folder/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("no image in the test range", async () => {
      const dir = await fixture([1, 2]);
      try {
        await assert.rejects(
          () => loadWeizmann(dir),
          /no photo numbered in the test range/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

const SHARED =
  new URL("../../../shared/data/weizmann-horses", import.meta.url).pathname;

Deno.test({
  name: "loadWeizmann() on the shared Weizmann horses (skipped when absent)",
  ignore: !(await Deno.stat(SHARED).then(() => true, () => false)),
  fn: async () => {
    const data = await loadWeizmann(SHARED, { size: 16 });
    assert.equal(data.train.count, 278);
    assert.equal(data.test.count, 49);
    const fg = data.train.masks.reduce((s, v) => s + v, 0) /
      data.train.masks.length;
    assert.ok(fg > 0.1 && fg < 0.7, `horse share ${fg}`);
  },
});
