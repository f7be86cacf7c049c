/**
 * A small live report for the tests: seeded, untrained (or briefly trained)
 * models of every kind the live page shows, synthetic validation images,
 * and two stand-in notebook pages (01 and 03) and an index.
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";
import { greyImages } from "../../lib/data/batches.ts";
import { kMeansPalette, nearestColourLabels } from "../../lib/data/palette.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { buildDeepLab } from "../../lib/models/deeplab.ts";
import type { LiveExportInput } from "../../lib/report/live_export.ts";

/** Running statistics that are not the defaults (so folding matters). */
function perturbBatchNorm(model: tf.LayersModel, seed: number): void {
  let k = seed;
  for (const layer of model.layers) {
    if (!/bn/.test(layer.name)) continue;
    const ws = layer.getWeights();
    if (ws.length !== 4) continue;
    const c = ws[0].shape[0];
    const r = (lo: number, hi: number) =>
      tf.randomUniform([c], lo, hi, "float32", k++);
    layer.setWeights([r(0.5, 1.5), r(-0.2, 0.2), r(-0.3, 0.3), r(0.5, 2)]);
  }
}

/** Models, palette and validation images for a live page (count: validation images). */
export function smallLiveInput(count = 8): LiveExportInput {
  const data = syntheticCategoryData({
    trainCount: 40,
    valCount: count,
    seed: 3,
  });
  const palette = kMeansPalette(data.train.images, { numColours: 24, seed: 0 });
  const cnn = buildCnn({ seed: 1 });
  const unet = buildUNet({ seed: 2 });
  const segmenter = buildDeepLab({ numBlocks: 2, numClasses: 2, seed: 3 });
  const pretrained = buildDeepLab({ numBlocks: 2, numClasses: 24, seed: 3 });
  for (const [i, m] of [cnn, unet, segmenter, pretrained].entries()) {
    perturbBatchNorm(m, 10 * i + 1);
  }
  return {
    models: {
      cnn: { model: cnn, description: "CNN (untrained, seed 1)", palette },
      unet: { model: unet, description: "UNet (untrained, seed 2)", palette },
      segmenter: {
        model: segmenter,
        description: "segmenter (untrained, 2 blocks)",
        inputSize: { height: 64, width: 64 },
      },
      pretrained: {
        model: pretrained,
        description: "pre-trained body (untrained, 2 blocks)",
        palette,
        inputSize: { height: 64, width: 64 },
      },
    },
    validation: {
      grey: greyImages(data.val),
      labels: nearestColourLabels(data.val.images, palette),
      images: data.val.images,
      count: data.val.count,
      height: data.val.height,
      width: data.val.width,
    },
    facts: ["test models: untrained, synthetic data"],
  };
}

/** Stand-in report pages: an index and notebooks 01 and 03. */
export async function standInPages(dir: string): Promise<void> {
  const page = (body: string) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` +
    `<div class="colourlab-banner" role="note">banner</div><main>${body}</main></body></html>`;
  await Deno.writeTextFile(
    join(dir, "index.html"),
    page(
      `<a href="01_a.html">01</a> <a href="03_b.html">03</a> <a href="try_it.html">try it</a>`,
    ),
  );
  await Deno.writeTextFile(join(dir, "01_a.html"), page("<p>one</p>"));
  await Deno.writeTextFile(join(dir, "03_b.html"), page("<p>three</p>"));
}
