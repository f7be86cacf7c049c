/**
 * The training loop shared by the CLI and the notebooks.
 *
 * A custom step instead of `model.fit`: fit shuffles with Math.random, drops
 * nothing but averages validation over batches, and cannot checkpoint Adam.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { permutation } from "../random.ts";
import { Adam } from "./adam.ts";
import {
  CHECKPOINT_FILE,
  modelWeights,
  readCheckpoint,
  setModelWeights,
  writeCheckpoint,
} from "./checkpoint.ts";
import { evaluate, gatherBatch } from "./evaluate.ts";
import { pixelCrossEntropy, weightedPixelCrossEntropy } from "./loss.ts";
import type { BatchReport, EpochRecord, TrainData } from "./types.ts";

/**
 * What the optimizer trains, when it is not every trainable weight of the
 * model through its own forward pass: fine-tuning trains the last layer on
 * features computed once by the frozen body.
 */
export interface TrainedPart {
  /** The variables Adam updates. */
  variables: tf.Variable[];
  /** Logits of a batch: training mode (`training` true) or inference mode. */
  forward(xs: tf.Tensor4D, training: boolean): tf.Tensor;
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /** Total number of epochs (on resume too). */
  numEpochs: number;
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Seed of the shuffles of the training set. */
  seed: number;
  /**
   * "once" (default): one permutation visited every epoch; "every-epoch": a
   * new permutation per epoch (seed * 7919 + epoch - 1), as the fine-tuning
   * runs of Part C shuffle.
   */
  shuffle?: "once" | "every-epoch";
  /** Weight of each class in the loss and the validation loss (default: the plain mean). */
  classWeights?: number[];
  /** Train only this part (default: all of `model`'s trainable weights). */
  part?: TrainedPart;
  /** Called after every optimizer step. */
  onBatchEnd?: (report: BatchReport) => void;
  /** Called after every epoch, once its checkpoint (if any) is written. */
  onEpochEnd?: (
    record: EpochRecord,
    history: EpochRecord[],
  ) => void | Promise<void>;
  /** Checkpoint after every epoch into `dir/checkpoint.bin`, with `config` recorded in it. */
  checkpoint?: { dir: string; config?: Record<string, unknown> };
  /** Continue from the checkpoint in `checkpoint.dir` when there is one. */
  resume?: boolean;
  /** Stops the run between two batches (the last complete epoch's checkpoint stays). */
  signal?: AbortSignal;
  /** Batch size of validation (default: batchSize). It does not change the results. */
  evalBatchSize?: number;
}

/** Longest time (ms) training runs on without a turn of the event loop. */
const YIELD_EVERY_MS = 50;

/** Thrown when a loss is NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(
      `training loss is ${loss} at epoch ${epoch}, batch ${batch}: stopping`,
    );
    this.name = "NonFiniteLossError";
  }
}

/**
 * The one training loop: trains `model` (or `opts.part` of it) with Adam on
 * per-pixel softmax cross-entropy and validates after every epoch with
 * BatchNorm in inference mode. The training set is shuffled with `seed` (see
 * {@link TrainOptions.shuffle}) and visited in batches, the last, partial
 * batch included. Returns the per-epoch history (of the whole run when
 * resumed). Every tensor it makes is disposed.
 */
export async function trainModel(
  model: tf.LayersModel,
  data: TrainData,
  opts: TrainOptions,
): Promise<EpochRecord[]> {
  const { height, width } = data;
  const pixels = height * width;
  const n = data.trainY.length / pixels;
  const channels = data.trainX.length / (n * pixels);
  checkData(data, n, channels);
  if (
    !(opts.batchSize >= 1) || !(opts.numEpochs >= 0) || !(opts.learningRate > 0)
  ) {
    throw new RangeError(
      "batchSize, numEpochs and learningRate must be positive",
    );
  }
  const variables = opts.part?.variables ??
    model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forward = opts.part
    ? (xs: tf.Tensor4D) => opts.part!.forward(xs, true)
    : (xs: tf.Tensor4D) => model.apply(xs, { training: true }) as tf.Tensor;
  const lossOf = (logits: tf.Tensor, labels: tf.Tensor) =>
    opts.classWeights
      ? weightedPixelCrossEntropy(logits, labels, opts.classWeights)
      : pixelCrossEntropy(logits, labels);
  const adam = new Adam(variables, { learningRate: opts.learningRate });
  const ckptPath = opts.checkpoint
    ? `${opts.checkpoint.dir}/${CHECKPOINT_FILE}`
    : undefined;
  const config = {
    ...(opts.checkpoint?.config ?? {}),
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
    seed: opts.seed,
    shuffle: opts.shuffle ?? "once",
    trainImages: n,
    modelParams: model.countParams(),
  };
  let history: EpochRecord[] = [];
  try {
    if (opts.resume && ckptPath && (await exists(ckptPath))) {
      history = await restore(model, adam, ckptPath, config);
    }
    const once = opts.shuffle === "every-epoch"
      ? undefined
      : permutation(n, opts.seed);
    const batches = Math.ceil(n / opts.batchSize);
    let turn = performance.now();
    const shape = { height, width, channels };
    for (let epoch = history.length + 1; epoch <= opts.numEpochs; epoch++) {
      const t0 = performance.now();
      const order = once ?? permutation(n, opts.seed * 7919 + epoch - 1);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        // On the CPU backends nothing in a batch gives the event loop a turn,
        // and a signal listener (Ctrl-C, Jupyter's Interrupt) runs only then.
        if (performance.now() - turn > YIELD_EVERY_MS) {
          await new Promise((r) => setTimeout(r, 0));
          turn = performance.now();
        }
        opts.signal?.throwIfAborted();
        const start = b * opts.batchSize;
        const end = Math.min(n, start + opts.batchSize);
        const batch = gatherBatch(
          data.trainX,
          data.trainY,
          order,
          start,
          end,
          shape,
        );
        const lossTensor = tf.tidy(() => {
          const x = tf.tensor4d(batch.x, [
            end - start,
            height,
            width,
            channels,
          ]);
          const y = tf.tensor3d(batch.y, [end - start, height, width], "int32");
          const { value, grads } = tf.variableGrads(
            () => lossOf(forward(x), y),
            variables,
          );
          adam.applyGradients(grads);
          return value;
        });
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        if (!Number.isFinite(loss)) {
          throw new NonFiniteLossError(epoch, b + 1, loss);
        }
        lossSum += loss * (end - start);
        opts.onBatchEnd?.({
          epoch,
          numEpochs: opts.numEpochs,
          batch: b + 1,
          batchesPerEpoch: batches,
          loss,
          images: end,
          epochImages: n,
          epochSeconds: (performance.now() - t0) / 1000,
        });
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const val = await evaluate(
        opts.part ? (xs) => opts.part!.forward(xs, false) : model,
        data.valX,
        data.valY,
        {
          height,
          width,
          batchSize: opts.evalBatchSize ?? opts.batchSize,
          classWeights: opts.classWeights,
        },
      );
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / n,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (performance.now() - t0) / 1000,
        imagesPerSecond: n / trainSeconds,
      };
      history = [...history, record];
      if (ckptPath) {
        await writeCheckpoint(ckptPath, {
          epoch,
          history,
          config,
          weights: await modelWeights(model),
          optimizer: await adam.getState(),
        });
      }
      await opts.onEpochEnd?.(record, history);
    }
    return history;
  } finally {
    adam.dispose();
  }
}

/** Loads a checkpoint into model and optimizer; returns its history. */
async function restore(
  model: tf.LayersModel,
  adam: Adam,
  path: string,
  config: Record<string, unknown>,
): Promise<EpochRecord[]> {
  const ckpt = await readCheckpoint(path);
  for (const [key, value] of Object.entries(config)) {
    if (JSON.stringify(ckpt.config[key]) !== JSON.stringify(value)) {
      throw new Error(
        `cannot resume from ${path}: it was made with ${key} = ${
          JSON.stringify(ckpt.config[key])
        }, ` +
          `this run has ${JSON.stringify(value)}`,
      );
    }
  }
  setModelWeights(model, ckpt.weights, path);
  adam.setState(ckpt.optimizer);
  return ckpt.history;
}

function checkData(data: TrainData, n: number, channels: number): void {
  const pixels = data.height * data.width;
  const nVal = data.valY.length / pixels;
  if (
    !Number.isInteger(n) || n < 1 || !Number.isInteger(channels) || channels < 1
  ) {
    throw new RangeError(
      `trainX/trainY sizes do not describe whole ${data.height}x${data.width} images`,
    );
  }
  if (
    !Number.isInteger(nVal) || nVal < 1 ||
    data.valX.length !== nVal * pixels * channels
  ) {
    throw new RangeError(
      `valX/valY sizes do not describe whole ${data.height}x${data.width} images`,
    );
  }
  for (
    const [name, labels] of [["trainY", data.trainY], [
      "valY",
      data.valY,
    ]] as const
  ) {
    const max = labels.reduce((a, b) => (b > a ? b : a), 0);
    if (max >= data.numColours) {
      throw new RangeError(
        `${name} has label ${max}, but there are only ${data.numColours} colours`,
      );
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
