/**
 * The handout's "PoolUpsampleNet" CNN (Part A).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  checkSpatialSize,
  handoutParts,
  type ModelOptions,
  resolveModelOptions,
  torchConv2d,
} from "./conv_blocks.ts";

/**
 * Builds a fresh, uncompiled CNN, exactly in the handout's order:
 * 1. conv(in -> NF), max-pool 2, BN, ReLU
 * 2. conv(NF -> 2NF), max-pool 2, BN, ReLU
 * 3. conv(2NF -> 2NF), BN, ReLU
 * 4. conv(2NF -> NF), upsample x2, BN, ReLU
 * 5. conv(NF -> NC), upsample x2, BN, ReLU
 * 6. conv(NC -> NC): logits [B, H, W, NC].
 *
 * @see notebooks/01_colourization.ipynb
 */
export function buildCnn(opts: ModelOptions = {}): tf.LayersModel {
  const o = resolveModelOptions(opts);
  checkSpatialSize(o);
  const nf = o.numFilters;
  const k = o.kernelSize;
  const { input, block } = handoutParts(o);
  const out1 = block(input, 1, nf, "pool");
  const out2 = block(out1, 2, 2 * nf, "pool");
  const out3 = block(out2, 3, 2 * nf, "none");
  const out4 = block(out3, 4, nf, "upsample");
  const out5 = block(out4, 5, o.numColours, "upsample");
  const logits = torchConv2d({
    filters: o.numColours,
    inChannels: o.numColours,
    kernelSize: k,
    seed: o.seed,
    index: 6,
    name: "conv6",
  }).apply(out5) as tf.SymbolicTensor;
  return tf.model({ name: "cnn", inputs: input, outputs: logits });
}
