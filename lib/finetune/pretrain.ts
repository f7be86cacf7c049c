/**
 * Pre-training of the DeepLab-style network on colourization of the CIFAR-10
 * horses (grey in, palette colour out): the project's stand-in for a COCO
 * checkpoint. Weights are cached in `data/finetune/` keyed by configuration
 * and data, so that fine-tuning runs reuse them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadCategoryData } from "../data/cifar.ts";
import { loadOrComputePalette, nearestColourLabels } from "../data/palette.ts";
import { greyImages } from "../data/batches.ts";
import type { DataSource, ImageSet } from "../data/types.ts";
import {
  fileHandler,
  hasSavedModel,
  writeFileAtomic,
} from "../io/file_handler.ts";
import { allVariables, buildDeepLab } from "./deeplab.ts";
import {
  type PixelDataset,
  type PixelEpochLogs,
  predictPixels,
  trainPixels,
} from "./pixel_training.ts";
import { fineTuneCodeVersion } from "./code_version.ts";

/** Configuration of a pre-training run (all of it goes into the cache key). */
export interface PretrainConfig {
  /** n: dilated blocks in the body. */
  numBlocks: number;
  numFilters: number;
  dilations: number[];
  /** NC palette colours. */
  numColours: number;
  numEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Training images used (the first N of the category; undefined = all). */
  limitTrain?: number;
  seed: number;
}

/** Defaults of {@link PretrainConfig}. */
export const PRETRAIN_DEFAULTS: PretrainConfig = {
  numBlocks: 4,
  numFilters: 32,
  dilations: [2, 4, 8],
  numColours: 24,
  // Small, because CPU time is scarce here: 2 passes over 2,500 horses.
  numEpochs: 2,
  batchSize: 25,
  learningRate: 0.001,
  limitTrain: 2500,
  seed: 0,
};

/** A pre-trained network and what it is. */
export interface Pretrained {
  model: tf.LayersModel;
  config: PretrainConfig;
  source: DataSource;
  /** Folder it is cached in. */
  dir: string;
  /** True when read from the cache rather than trained now. */
  cached: boolean;
  /** Per-epoch training loss and the final validation pixel accuracy. */
  history: PixelEpochLogs[];
  valAccuracy: number;
}

/** Options of {@link loadOrPretrain}. */
export interface PretrainOptions {
  /** "synthetic", an archive or a folder, as for `deno task train`. */
  data?: string;
  config?: Partial<PretrainConfig>;
  /** Cache root (default "data"). */
  cacheDir?: string;
  onEpochEnd?: (epoch: number, logs: PixelEpochLogs) => void;
  /** Told once the data is loaded and training starts (not on a cache hit). */
  onStart?: (info: { source: DataSource; images: number }) => void;
}

function colourDataset(set: ImageSet, labels: Uint8Array): PixelDataset {
  return {
    inputs: greyImages(set),
    labels,
    count: set.count,
    height: set.height,
    width: set.width,
    channels: 1,
  };
}

function firstImages(set: ImageSet, limit?: number): ImageSet {
  if (limit === undefined || limit >= set.count) return set;
  const per = set.height * set.width * 3;
  return {
    ...set,
    images: set.images.subarray(0, limit * per),
    labels: set.labels.subarray(0, limit),
    count: limit,
  };
}

/** The cache folder name of a configuration and data. */
export function pretrainKey(
  config: PretrainConfig,
  source: DataSource,
): string {
  const data = source.synthetic ? "synthetic" : source.sha256.slice(0, 12);
  return [
    `deeplab_n${config.numBlocks}_f${config.numFilters}_d${
      config.dilations.join("-")
    }`,
    `nc${config.numColours}_e${config.numEpochs}_bs${config.batchSize}_lr${config.learningRate}`,
    `lim${config.limitTrain ?? "all"}_seed${config.seed}_${data}`,
  ].join("_");
}

/**
 * The pre-trained colourization network for a configuration: read from
 * `cacheDir/finetune/<key>_code<version>/` (fineTuneCodeVersion()) when
 * there, else trained now and saved there
 * (model.json + weights.bin + pretrain.json).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function loadOrPretrain(
  opts: PretrainOptions = {},
): Promise<Pretrained> {
  const config = { ...PRETRAIN_DEFAULTS, ...opts.config };
  const data = await loadCategoryData({
    data: opts.data,
    cacheDir: opts.cacheDir,
  });
  // The code version too: a kernel or model change must retrain the body.
  const dir = `${opts.cacheDir ?? "data"}/finetune/${
    pretrainKey(config, data.source)
  }_code${await fineTuneCodeVersion()}`;
  if (await hasSavedModel(dir)) {
    const model = await tf.loadLayersModel(fileHandler(dir));
    const saved = JSON.parse(await Deno.readTextFile(`${dir}/pretrain.json`));
    return {
      model,
      config,
      source: data.source,
      dir,
      cached: true,
      history: saved.history,
      valAccuracy: saved.valAccuracy,
    };
  }
  const palette = await loadOrComputePalette(data, {
    numColours: config.numColours,
    seed: config.seed,
    cacheDir: opts.cacheDir,
  });
  const train = firstImages(data.train, config.limitTrain);
  const trainSet = colourDataset(
    train,
    nearestColourLabels(train.images, palette),
  );
  const valSet = colourDataset(
    data.val,
    nearestColourLabels(data.val.images, palette),
  );
  opts.onStart?.({ source: data.source, images: train.count });
  const model = buildDeepLab({
    numBlocks: config.numBlocks,
    numClasses: config.numColours,
    numFilters: config.numFilters,
    dilations: config.dilations,
    seed: config.seed,
  });
  const history = await trainPixels(
    (xs) => model.apply(xs, { training: true }) as tf.Tensor,
    allVariables(model),
    trainSet,
    { ...config, onEpochEnd: opts.onEpochEnd },
  );
  const predicted = await predictPixels(
    (xs) => model.predict(xs) as tf.Tensor,
    valSet,
  );
  let hits = 0;
  for (let p = 0; p < predicted.length; p++) {
    if (predicted[p] === valSet.labels[p]) hits++;
  }
  const valAccuracy = hits / predicted.length;
  await model.save(fileHandler(dir));
  await writeFileAtomic(
    `${dir}/pretrain.json`,
    JSON.stringify(
      {
        config,
        source: data.source,
        palette: palette.description,
        history,
        valAccuracy,
      },
      null,
      1,
    ),
  );
  return {
    model,
    config,
    source: data.source,
    dir,
    cached: false,
    history,
    valAccuracy,
  };
}
