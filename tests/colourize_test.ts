import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { initTf } from "../lib/backend.ts";
import {
  colourizeImage,
  comparisonPng,
  ImageError,
  type RawImage,
} from "../lib/colourize.ts";
import type { Palette } from "../lib/data/types.ts";
import { buildCnn } from "../lib/models/cnn.ts";
import { buildUNet } from "../lib/models/unet.ts";
import { trainModel } from "../lib/train/fit.ts";
import { seededRng } from "../lib/random.ts";

await initTf();

/** A model of input size h x w whose every pixel's arg-max is `label` (of nc). */
function constantModel(
  label: number,
  nc: number,
  h = 32,
  w = 32,
): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [h, w, 1],
        filters: nc,
        kernelSize: 1,
        kernelInitializer: "zeros",
      }),
    ],
  });
  const bias = new Float32Array(nc);
  bias[label] = 5;
  const [kernel] = model.getWeights();
  model.setWeights([kernel, tf.tensor1d(bias)]);
  return model;
}

function palette(colours: number[][]): Palette {
  return {
    colours: Float32Array.from(colours.flat()),
    numColours: colours.length,
    description: "test palette",
  };
}

/** A PNG of width x height RGB pixels from `pixel(x, y)`. */
async function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => number[],
  channels: 1 | 3 = 3,
): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set(pixel(x, y).slice(0, channels), (y * width + x) * channels);
    }
  }
  const out = await sharp(data, { raw: { width, height, channels } })
    .png().toBuffer();
  return new Uint8Array(out);
}

async function decoded(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).raw().toBuffer({
    resolveWithObject: true,
  });
  return { data: new Uint8Array(data), ...info };
}

/** Largest |mean(R, G, B) - grey| over all pixels. */
function greyError(rgb: RawImage, grey: RawImage): number {
  let worst = 0;
  for (let p = 0; p < grey.data.length; p++) {
    const mean = (rgb.data[3 * p] + rgb.data[3 * p + 1] + rgb.data[3 * p + 2]) /
      3;
    worst = Math.max(worst, Math.abs(mean - grey.data[p]));
  }
  return worst;
}

Deno.test("colourizeImage()", async (t) => {
  const photo = await png(
    37,
    23,
    (x, y) => [(x * 7) % 256, (y * 11) % 256, ((x + y) * 5) % 256],
  );

  await t.step(
    "output size equals input size (odd, non-square); grey kept; no tensor left",
    async () => {
      const model = buildCnn({ numFilters: 4, numColours: 5, seed: 1 });
      const pal = palette([[0.1, 0.2, 0.3], [0.8, 0.1, 0.1], [0.2, 0.7, 0.2], [
        0.5,
        0.5,
        0.9,
      ], [0.9, 0.9, 0.2]]);
      const before = tf.memory().numTensors;
      const c = await colourizeImage(model, pal, photo);
      assert.equal(tf.memory().numTensors, before);
      const out = await decoded(c.png);
      assert.deepEqual([out.width, out.height, out.channels], [37, 23, 3]);
      assert.deepEqual([c.grey.width, c.grey.height], [37, 23]);
      assert.deepEqual([c.modelInput.width, c.modelInput.height], [32, 32]);
      assert.deepEqual([c.prediction.width, c.prediction.height], [32, 32]);
      assert.deepEqual(out.data, c.colourized.data);
      // the photo's own detail: every pixel's mean is the photo's grey
      assert.ok(greyError(c.colourized, c.grey) <= 1, "grey changed");
      // every predicted pixel is a palette colour
      const bytes = new Set(
        [0, 1, 2, 3, 4].map((j) =>
          [0, 1, 2].map((k) => Math.floor(pal.colours[j * 3 + k] * 256)).join()
        ),
      );
      for (let p = 0; p < 32 * 32; p++) {
        const rgb = [...c.prediction.data.subarray(3 * p, 3 * p + 3)].join();
        assert.ok(bytes.has(rgb), rgb);
      }
      model.dispose();
    },
  );

  await t.step(
    "a model predicting one colour gives that colour's chroma on grey input",
    async () => {
      const colour = [0.7, 0.4, 0.3];
      const pal = palette([[0.5, 0.5, 0.5], colour, [0.1, 0.6, 0.9]]);
      const model = constantModel(1, 3, 8, 8);
      // a grey ramp 96..160, non-square, odd
      const grey = await png(51, 17, (x) => [96 + x + (x >> 2) * 0], 1);
      const c = await colourizeImage(model, pal, grey);
      assert.deepEqual([c.colourized.width, c.colourized.height], [51, 17]);
      const mean = (colour[0] + colour[1] + colour[2]) / 3;
      for (let p = 0; p < 51 * 17; p++) {
        const g = 96 + (p % 51);
        for (let k = 0; k < 3; k++) {
          const want = g + (colour[k] - mean) * 256;
          const got = c.colourized.data[3 * p + k];
          assert.ok(
            Math.abs(got - want) <= 1,
            `pixel ${p}[${k}]: ${got} vs ${want}`,
          );
        }
      }
      const plain = await colourizeImage(model, pal, grey, { mode: "palette" });
      const want = colour.map((v) => Math.floor(v * 256));
      for (let p = 0; p < 51 * 17; p++) {
        assert.deepEqual(
          [...plain.colourized.data.subarray(3 * p, 3 * p + 3)],
          want,
        );
      }
      model.dispose();
    },
  );

  await t.step(
    "chroma beyond the gamut is scaled down, luminance kept",
    async () => {
      const pal = palette([[0.99, 0.0, 0.0]]);
      const model = constantModel(0, 1);
      const bright = await png(9, 5, () => [250, 250, 250]);
      const c = await colourizeImage(model, pal, bright);
      assert.ok(greyError(c.colourized, c.grey) <= 1);
      const [r, g, b] = c.colourized.data;
      assert.ok(r === 255 && g < 250 && g === b, `${r},${g},${b}`);
      model.dispose();
    },
  );

  await t.step(
    "JPEG, WebP, grey PNG, PNG with alpha, EXIF orientation",
    async () => {
      const model = constantModel(0, 2);
      const pal = palette([[0.6, 0.3, 0.2], [0.2, 0.3, 0.6]]);
      const raw = (await decoded(photo)).data;
      const base = () =>
        sharp(raw, { raw: { width: 37, height: 23, channels: 3 } });
      const cases: [string, Uint8Array, number, number][] = [
        ["jpeg", new Uint8Array(await base().jpeg().toBuffer()), 37, 23],
        ["webp", new Uint8Array(await base().webp().toBuffer()), 37, 23],
        ["grey", await png(37, 23, (x) => [x * 6], 1), 37, 23],
        [
          "alpha",
          new Uint8Array(await base().ensureAlpha(0.5).png().toBuffer()),
          37,
          23,
        ],
        // orientation 6: stored 37x23, shown rotated 90 degrees
        [
          "exif",
          new Uint8Array(
            await base().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
          ),
          23,
          37,
        ],
      ];
      for (const [name, bytes, w, h] of cases) {
        const c = await colourizeImage(model, pal, bytes, { source: name });
        const out = await decoded(c.png);
        assert.deepEqual(
          [out.width, out.height, out.channels],
          [w, h, 3],
          name,
        );
      }
      model.dispose();
    },
  );

  await t.step(
    "bytes that are not an image: an ImageError naming the source",
    async () => {
      const model = constantModel(0, 1);
      const pal = palette([[0.5, 0.5, 0.5]]);
      await assert.rejects(
        colourizeImage(model, pal, new TextEncoder().encode("not a picture"), {
          source: "holiday.png",
        }),
        (e: Error) => e instanceof ImageError && /holiday\.png/.test(e.message),
      );
      model.dispose();
    },
  );

  await t.step(
    "a model trained a few steps colours dark blue, bright orange",
    async () => {
      // Two colours whose grey levels differ: grey alone tells the colour.
      const colours = [[0.1, 0.15, 0.55], [0.9, 0.6, 0.2]];
      const pal = palette(colours);
      const rng = seededRng(7);
      // 8x8 images of four 4x4 blocks, each block one of the two colours
      const n = 128, size = 8;
      const labels = new Uint8Array(n * size * size);
      for (let i = 0; i < n; i++) {
        const blocks = [0, 1, 2, 3].map(() => (rng() < 0.5 ? 0 : 1));
        for (let p = 0; p < size * size; p++) {
          const block = ((p >> 5) << 1) | ((p & 7) >> 2);
          labels[i * size * size + p] = blocks[block];
        }
      }
      const greyOfLabel = colours.map((c) => (c[0] + c[1] + c[2]) / 3);
      const x = Float32Array.from(labels, (l) => greyOfLabel[l]);
      const model = buildUNet({
        numFilters: 4,
        numColours: 2,
        height: size,
        width: size,
        seed: 0,
      });
      const history = await trainModel(model, {
        trainX: x,
        trainY: labels,
        valX: x,
        valY: labels,
        height: size,
        width: size,
        numColours: 2,
      }, { numEpochs: 10, batchSize: 16, learningRate: 0.03, seed: 0 });
      assert.ok(
        history.at(-1)!.valAccuracy > 0.9,
        JSON.stringify(history.at(-1)),
      );
      // left third dark, right third bright (grey levels of the two colours)
      const g = greyOfLabel.map((v) => Math.round(v * 256));
      const photo = await png(45, 21, (x) => {
        const v = x < 22 ? g[0] : g[1];
        return [v, v, v];
      });
      const c = await colourizeImage(model, pal, photo);
      const at = (
        x: number,
        y: number,
      ) => [
        ...c.colourized.data.subarray((y * 45 + x) * 3, (y * 45 + x) * 3 + 3),
      ];
      for (const y of [2, 10, 18]) {
        const [r1, , b1] = at(4, y);
        const [r2, , b2] = at(40, y);
        assert.ok(b1 > r1 + 40, `left not blue: ${at(4, y)}`);
        assert.ok(r2 > b2 + 40, `right not orange: ${at(40, y)}`);
      }
      model.dispose();
    },
  );
});

Deno.test("comparisonPng()", async (t) => {
  await t.step(
    "four panels side by side, each fitted into the panel box",
    async () => {
      const model = constantModel(0, 1);
      const pal = palette([[0.6, 0.4, 0.2]]);
      for (const [w, h] of [[300, 100], [7, 13]]) {
        const photo = await png(w, h, (x, y) => [x % 256, y % 256, 100]);
        const c = await colourizeImage(model, pal, photo);
        const sheet = await decoded(await comparisonPng(c, { panelSize: 120 }));
        const pw = Math.round(w * 120 / Math.max(w, h));
        const ph = Math.round(h * 120 / Math.max(w, h));
        assert.ok(
          sheet.width >= 4 * pw && sheet.width < 4 * pw + 60,
          `${sheet.width}`,
        );
        assert.ok(
          sheet.height >= ph && sheet.height < ph + 60,
          `${sheet.height}`,
        );
      }
      model.dispose();
    },
  );
});
