/**
 * Exports what a tfjs training run starts from, so that PyTorch can replay it
 * (bench/reference_from_tfjs_init.py): the initial weights of the model the
 * train CLI builds (conv kernels in PyTorch's [out, in, K, K] order, biases,
 * BatchNorm gamma/beta/running statistics), the batch order of
 * lib/train/fit.ts (`permutation(n, seed)`, the same every epoch) and, with
 * --data, the exact grey inputs and palette labels the CLI trains on.
 *
 * Usage:
 *   deno run -A bench/from_tfjs_init.ts --model unet --seed 0 \
 *     --palette-from runs/unet/run.json --data ../shared/data/cifar-10-horses-binary.tar.gz \
 *     --out /tmp/tfjs_init
 * writes OUT/init.json and, with --data, OUT/{train_x,val_x}.f32 (NHWC, C = 1)
 * and OUT/{train_y,val_y}.u8. --checkpoint RUN/checkpoint.bin exports that
 * run's trained weights instead of the initial ones.
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../lib/backend.ts";
import { greyImages } from "../lib/data/batches.ts";
import { loadCategoryData } from "../lib/data/cifar.ts";
import { nearestColourLabels } from "../lib/data/palette.ts";
import type { Palette } from "../lib/data/types.ts";
import { buildCnn } from "../lib/models/cnn.ts";
import { buildUNet } from "../lib/models/unet.ts";
import { readCheckpoint, setModelWeights } from "../lib/train/checkpoint.ts";
import { permutation } from "../lib/random.ts";

/** One conv layer in PyTorch layout. */
export interface TorchConv {
  /** Flattened [out, in, K, K]. */
  kernel: number[];
  bias: number[];
}

/** One BatchNorm layer's four vectors. */
export interface TorchBatchNorm {
  gamma: number[];
  beta: number[];
  runningMean: number[];
  runningVar: number[];
}

/** Contents of init.json. */
export interface TfjsInit {
  model: "cnn" | "unet";
  seed: number;
  numFilters: number;
  numColours: number;
  kernelSize: number;
  convs: TorchConv[];
  batchNorms: TorchBatchNorm[];
  /** The training-set order of every epoch (indices into train_x). */
  order: number[];
  trainCount: number;
  valCount: number;
}

/** tfjs conv kernel [K, K, in, out] flattened in PyTorch's [out, in, K, K] order. */
export function torchKernel(t: tf.Tensor): number[] {
  return Array.from(tf.tidy(() => tf.transpose(t, [3, 2, 0, 1])).dataSync());
}

/** The conv and BatchNorm weights of a handout CNN/UNet in PyTorch layout. */
export function exportWeights(
  model: tf.LayersModel,
): { convs: TorchConv[]; batchNorms: TorchBatchNorm[] } {
  const convs = [1, 2, 3, 4, 5, 6].map((i) => {
    const [kernel, bias] = model.getLayer(`conv${i}`).getWeights();
    return { kernel: torchKernel(kernel), bias: Array.from(bias.dataSync()) };
  });
  const batchNorms = [1, 2, 3, 4, 5].map((i) => {
    const [gamma, beta, mean, variance] = model.getLayer(`bn${i}`).getWeights()
      .map((w) => Array.from(w.dataSync()));
    return { gamma, beta, runningMean: mean, runningVar: variance };
  });
  return { convs, batchNorms };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string", default: "unet" },
      seed: { type: "string", default: "0" },
      "num-filters": { type: "string", default: "32" },
      "kernel-size": { type: "string", default: "3" },
      "palette-from": { type: "string" },
      data: { type: "string" },
      out: { type: "string", default: "/tmp/tfjs_init" },
      checkpoint: { type: "string" },
    },
  });
  const model = values.model === "cnn" ? "cnn" : "unet";
  const seed = Number(values.seed);
  const out = values.out!;
  if (!values["palette-from"]) {
    throw new Error("--palette-from RUN.json needed");
  }
  // The palette the run used, from its run.json (config.paletteColours).
  const run = JSON.parse(await Deno.readTextFile(values["palette-from"]));
  const colours = Float32Array.from(run.config.paletteColours as number[]);
  const palette: Palette = {
    colours,
    numColours: colours.length / 3,
    description: `from ${values["palette-from"]}`,
  };
  await initTf();
  const opts = {
    numFilters: Number(values["num-filters"]),
    numColours: palette.numColours,
    kernelSize: Number(values["kernel-size"]),
    height: 32,
    width: 32,
    seed,
  };
  const net = model === "cnn" ? buildCnn(opts) : buildUNet(opts);
  if (values.checkpoint) {
    // Trained weights instead (checks PyTorch's eval of our final model).
    const ckpt = await readCheckpoint(values.checkpoint);
    setModelWeights(net, ckpt.weights, values.checkpoint);
  }
  await Deno.mkdir(out, { recursive: true });
  let trainCount = 5000, valCount = 1000;
  if (values.data) {
    const full = await loadCategoryData({ data: values.data });
    trainCount = full.train.count;
    valCount = full.val.count;
    const write = (name: string, a: Float32Array | Uint8Array) =>
      Deno.writeFile(
        `${out}/${name}`,
        new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      );
    await write("train_x.f32", greyImages(full.train));
    await write("val_x.f32", greyImages(full.val));
    await write("train_y.u8", nearestColourLabels(full.train.images, palette));
    await write("val_y.u8", nearestColourLabels(full.val.images, palette));
  }
  const init: TfjsInit = {
    model,
    seed,
    numFilters: opts.numFilters,
    numColours: opts.numColours,
    kernelSize: opts.kernelSize,
    ...exportWeights(net),
    order: Array.from(permutation(trainCount, seed)),
    trainCount,
    valCount,
  };
  await Deno.writeTextFile(`${out}/init.json`, JSON.stringify(init));
  net.dispose();
  console.log(`wrote ${out}/init.json (${trainCount} train, ${valCount} val)`);
}

if (import.meta.main) await main();
