import assert from "node:assert/strict";
import sharp from "sharp";
import { imageGrid, imagesToPng, svgToPng } from "../../lib/io/images.ts";

/** count x h x w x c pixels whose bytes are byte(i) (pixels = byte / 256). */
function images(
  count: number,
  h: number,
  w: number,
  c: number,
  byte: (i: number) => number,
) {
  const data = new Float32Array(count * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = byte(i) / 256;
  return { images: data, count, height: h, width: w };
}

Deno.test("imagesToPng()", async (t) => {
  await t.step("one PNG per image, scaled, pixels exact", async () => {
    const set = images(2, 4, 5, 3, (i) => (i * 7) % 256);
    const pngs = await imagesToPng(set, { scale: 3 });
    assert.equal(pngs.length, 2);
    const { data, info } = await sharp(pngs[1]).raw().toBuffer({
      resolveWithObject: true,
    });
    assert.deepEqual([info.width, info.height, info.channels], [15, 12, 3]);
    // Pixel (row 1, col 2) of image 1, nearest-neighbour scaled by 3.
    const src = 1 * 60 + (1 * 5 + 2) * 3;
    const dst = (3 * 15 + 2 * 3) * 3;
    assert.deepEqual(
      [...data.subarray(dst, dst + 3)],
      [0, 1, 2].map((k) => ((src + k) * 7) % 256),
    );
  });
  await t.step("grey images; values outside [0, 1) are clamped", async () => {
    const set = images(1, 2, 2, 1, () => 0);
    set.images.set([-0.5, 0.5, 1, 2]);
    const [png] = await imagesToPng(set);
    assert.equal((await sharp(png).metadata()).channels, 1);
    const data = await sharp(png).extractChannel(0).raw().toBuffer();
    assert.deepEqual([...data], [0, 128, 255, 255]);
  });
  await t.step("a wrong length is an error naming the shape", async () => {
    const bad = { images: new Float32Array(10), count: 1, height: 2, width: 2 };
    await assert.rejects(imagesToPng(bad), /expected 1 or 3 channels/);
  });
});

Deno.test("imageGrid() lays out rows, labels and columns", async () => {
  const grey = images(4, 8, 8, 1, () => 128);
  const red = images(4, 8, 8, 3, (i) => (i % 3 === 0 ? 255 : 0));
  const png = await imageGrid([
    { label: "grey", images: grey },
    { label: "prediction", images: red },
  ], { scale: 4, gap: 2, columnLabels: ["a", "b", "c", "d"] });
  const { data, info } = await sharp(png).raw().toBuffer({
    resolveWithObject: true,
  });
  const labelW = Math.ceil("prediction".length * 12 * 0.62) + 12;
  const header = 22;
  assert.equal(info.width, labelW + 4 * (32 + 2) + 2);
  assert.equal(info.height, header + 2 * (32 + 2) + 2);
  const at = (x: number, y: number) => {
    const o = (y * info.width + x) * info.channels;
    return [...data.subarray(o, o + 3)];
  };
  // Centre of row 2, column 3 is pure red; row 1 is grey; the gap is white.
  const x = labelW + 2 + 2 * 34 + 16;
  assert.deepEqual(at(x, header + 2 + 34 + 16), [255, 0, 0]);
  assert.deepEqual(at(x, header + 2 + 16), [128, 128, 128]);
  assert.deepEqual(at(labelW + 1, header + 2 + 16), [255, 255, 255]);
  // Label text was drawn: dark pixels left of the images and above them.
  let labelInk = 0;
  let headerInk = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x2 = 0; x2 < info.width; x2++) {
      if (at(x2, y)[1] >= 100) continue;
      if (x2 < labelW - 4) labelInk++;
      else if (y < header) headerInk++;
    }
  }
  assert.ok(
    labelInk > 20,
    `expected row labels, found ${labelInk} dark pixels`,
  );
  assert.ok(headerInk > 10, `expected column labels, found ${headerInk}`);
});

Deno.test("svgToPng() rasterises at the given density", async () => {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">` +
    `<rect width="40" height="30" fill="#00ff00"/></svg>`;
  const png = await svgToPng(svg, { density: 144 });
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ["png", 80, 60]);
});
