/**
 * Running a trained colourization model over grey images with BatchNorm in
 * either mode (lib/train/evaluate.ts `predictLabels` gives arg-max labels).
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { compileInference } from "../models/inference.ts";

/** BatchNorm with batch statistics ("training") or running statistics ("inference"). */
export type BnMode = "training" | "inference";

/** Image size of a flat grey array: [count, height, width, 1]. */
export interface GreyShape {
  height: number;
  width: number;
}

/** Wraps flat grey pixels as a [count, height, width, 1] tensor. */
export function greyTensor(grey: Float32Array, shape: GreyShape): tf.Tensor4D {
  const count = grey.length / (shape.height * shape.width);
  if (!Number.isInteger(count)) {
    throw new Error(
      `${grey.length} grey values are not whole ${shape.height}x${shape.width} images`,
    );
  }
  return tf.tensor4d(grey, [count, shape.height, shape.width, 1]);
}

/**
 * Logits of `model` for a batch of inputs (or, with `layer`, the output of
 * that layer). In "training" mode BatchNorm normalises with this batch's
 * statistics (as PyTorch's `model.train()`); the running statistics that this
 * updates are restored afterwards, so the model is left exactly as it was.
 * "inference" mode without `layer` runs the folded eval plan
 * (lib/models/inference.ts), compiled for this call.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function forward(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  mode: BnMode,
  opts: { layer?: string } = {},
): tf.Tensor4D {
  if (mode === "inference" && opts.layer === undefined) {
    const folded = compileInference(model);
    try {
      return folded.apply(xs) as tf.Tensor4D;
    } finally {
      folded.dispose();
    }
  }
  // a view sharing the model's layers and weights; owns no tensors
  const net = opts.layer === undefined ? model : tf.model({
    inputs: model.inputs,
    outputs: model.getLayer(opts.layer).output as tf.SymbolicTensor,
  });
  if (mode === "inference") return net.predict(xs) as tf.Tensor4D;
  const saved = model.getWeights().map((w) => w.clone());
  try {
    return tf.tidy(() => net.apply(xs, { training: true }) as tf.Tensor4D);
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
  }
}
