/**
 * The live page's models: read from the data script into tfjs-layers models
 * (the project's own layer classes are registered by importing
 * lib/models/inference.ts), each with its compiled eval-mode forward pass
 * (lib/models/inference.ts: BatchNorm folded into the convolutions, as
 * validation and `deno task colourize` run it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Palette } from "../data/types.ts";
import {
  compileInferenceAsync,
  type InferenceModel,
} from "../models/inference.ts";
import {
  base64ToBytes,
  type LiveData,
  type LiveModelData,
  type LiveModelId,
} from "./live_data.ts";

/** A model ready to run in the page. */
export interface PageModel {
  id: LiveModelId;
  description: string;
  model: tf.LayersModel;
  /** The eval-mode forward pass. */
  plan: InferenceModel;
  inputSize: { height: number; width: number };
  palette?: Palette;
}

/** Reads one exported model (see lib/report/live_export.ts). */
export async function loadPageModel(
  id: LiveModelId,
  data: LiveModelData,
): Promise<PageModel> {
  const bytes = base64ToBytes(data.weights);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: data.topology,
    weightSpecs: data.weightSpecs,
    weightData: bytes.buffer as ArrayBuffer,
  }));
  const palette: Palette | undefined = data.palette
    ? {
      colours: Float32Array.from(data.palette),
      numColours: data.palette.length / 3,
      description: `${data.palette.length / 3} colours`,
    }
    : undefined;
  return {
    id,
    description: data.description,
    model,
    plan: await compileInferenceAsync(model),
    inputSize: data.inputSize,
    palette,
  };
}

/** Every model the data carries, by id. */
export async function loadPageModels(
  data: LiveData,
): Promise<Partial<Record<LiveModelId, PageModel>>> {
  const out: Partial<Record<LiveModelId, PageModel>> = {};
  for (const [id, m] of Object.entries(data.models)) {
    if (m) out[id as LiveModelId] = await loadPageModel(id as LiveModelId, m);
  }
  return out;
}

/** What {@link runOnGrey} returns. */
export interface GreyRun {
  /** [height, width, classes] logits. */
  logits: Float32Array;
  /** Arg-max class per pixel (tf.argMax: the first maximum wins). */
  labels: Int32Array;
  classes: number;
  /** Milliseconds: upload, forward pass, read back. */
  ms: number;
}

/**
 * Runs a model's eval-mode forward pass on one grey image of its input size
 * ([height * width] values) and reads the logits and labels back.
 */
export async function runOnGrey(
  m: PageModel,
  grey: Float32Array,
  size: { height: number; width: number } = m.inputSize,
): Promise<GreyRun> {
  const t0 = performance.now();
  const [y, labels] = tf.tidy(() => {
    const logits = m.plan.apply(
      tf.tensor4d(grey, [1, size.height, size.width, 1]),
    );
    return [logits, tf.argMax(logits, -1)];
  });
  try {
    const [values, classes] = await Promise.all([y.data(), labels.data()]);
    return {
      logits: values as Float32Array,
      labels: classes as Int32Array,
      classes: y.shape[3] as number,
      ms: performance.now() - t0,
    };
  } finally {
    tf.dispose([y, labels]);
  }
}
