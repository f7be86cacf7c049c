/**
 * The handout's UNet (Part B): the CNN's six layers with three skip
 * connections concatenated on the channel axis.
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

/** {@link ModelOptions} plus the UNet's ablation switch. */
export interface UNetOptions extends ModelOptions {
  /** Concatenate the grey input before the final conv (default true; false for the ablation). */
  skipInput?: boolean;
}

/**
 * Builds a fresh, uncompiled UNet, exactly in the handout's order:
 * 1. conv(in -> NF), max-pool 2, BN, ReLU                      -> out1
 * 2. conv(NF -> 2NF), max-pool 2, BN, ReLU                     -> out2
 * 3. conv(2NF -> 2NF), BN, ReLU                                -> out3
 * 4. conv(cat(out3, out2): 4NF -> NF), upsample x2, BN, ReLU   -> out4
 * 5. conv(cat(out4, out1): 2NF -> NC), upsample x2, BN, ReLU   -> out5
 * 6. conv(cat(out5, grey): NC + in -> NC): logits [B, H, W, NC].
 * With `skipInput: false` the last conv sees only out5 (NC -> NC).
 *
 * @see notebooks/04_skip_connections.ipynb
 */
export function buildUNet(opts: UNetOptions = {}): tf.LayersModel {
  const o = resolveModelOptions(opts);
  checkSpatialSize(o);
  const skipInput = opts.skipInput ?? true;
  const nf = o.numFilters;
  const k = o.kernelSize;
  const { input, block } = handoutParts(o);
  const cat = (name: string, a: tf.SymbolicTensor, b: tf.SymbolicTensor) =>
    tf.layers.concatenate({ name, axis: -1 }).apply([
      a,
      b,
    ]) as tf.SymbolicTensor;
  const out1 = block(input, 1, nf, "pool");
  const out2 = block(out1, 2, 2 * nf, "pool");
  const out3 = block(out2, 3, 2 * nf, "none");
  const out4 = block(cat("cat4", out3, out2), 4, nf, "upsample");
  const out5 = block(cat("cat5", out4, out1), 5, o.numColours, "upsample");
  const last = skipInput ? cat("cat6", out5, input) : out5;
  const logits = torchConv2d({
    filters: o.numColours,
    inChannels: last.shape[last.shape.length - 1] as number,
    kernelSize: k,
    seed: o.seed,
    index: 6,
    name: "conv6",
  }).apply(last) as tf.SymbolicTensor;
  return tf.model({
    name: skipInput ? "unet" : "unet_no_input_skip",
    inputs: input,
    outputs: logits,
  });
}
