/**
 * The project's own tfjs kernels and gradients.
 *
 * - every backend: Conv2D and FusedConv2D gradients that support dilation
 *   (tfjs refuses it) and compute no input gradient that is not needed
 *   (tfjs-layers' fused convolutions always computed the first layer's);
 * - wasm: Conv2DBackpropFilter (missing there; SIMD), a fast
 *   Conv2DBackpropInput (a flipped forward convolution), 3x3 Conv2D and
 *   FusedConv2D by Winograd F(4x4, 3x3) (the filter gradient too),
 *   a 3x3 convolution of a channel concatenation that reads its inputs in
 *   place (concat_conv2d.ts), and Sum/Mean over
 *   leading axes (SIMD column sums, no transpose), Identity and same-dtype
 *   Cast without copies, and fused BatchNorm training kernels (used by
 *   batchNormTrain() in batch_norm_train.ts) and the 2x2 max-pool gradient
 *   (maxPool2x2Grad() in max_pool_grad.ts), the softmax cross-entropy
 *   (softmaxCrossEntropy() in softmax_cross_entropy.ts), SplitV and Concat
 *   as block copies.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// Registers the wasm backend's kernels first, so that ours replace them.
import "@tensorflow/tfjs-backend-wasm";
import {
  markDilationAwareFilterGrad,
  registerConv2dGradient,
} from "./conv/conv2d_gradient.ts";
import { enableFusedConv2dGradient } from "./conv/fused_conv2d_gradient.ts";
import { conv2dBackpropFilterConfig } from "./conv/wasm_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv/wasm_backprop_input.ts";
import { conv2dConfigs } from "./conv/wasm_conv2d.ts";
import { concatConv2dConfig } from "./conv/wasm_concat_conv2d.ts";
import { reduceLeadingConfigs } from "./reduce/wasm_reduce_leading.ts";
import { aliasConfigs } from "./copy/wasm_alias.ts";
import { batchNormTrainConfigs } from "./batch_norm/wasm_batch_norm_train.ts";
import { maxPoolGradConfig } from "./resample/wasm_max_pool_grad.ts";
import { maxPoolConfig } from "./resample/wasm_max_pool.ts";
import { splitConcatConfigs } from "./copy/wasm_split_concat.ts";
import { softmaxXentConfig } from "./loss/wasm_softmax_cross_entropy.ts";
import { reluConfig, reluGradConfig } from "./relu/wasm_relu.ts";
import { flipFilterConfig } from "./conv/wasm_flip_filter.ts";
import { resizeNearestConfig } from "./resample/wasm_resize_nearest.ts";
import { upsample2xGradConfig } from "./resample/wasm_upsample2x_grad.ts";
import { adamConfig } from "./optimizer/wasm_adam.ts";
import { registerReluGradient } from "./relu/relu_gradient.ts";
import { registerConcatGradient } from "./copy/concat_gradient.ts";

/** Registers (replacing any previous) one kernel config. */
function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}

const done = new Set<string>();

/**
 * Registers the project's own kernels and gradients for a backend; call it
 * before `tf.setBackend(backendName)` (setup functions run at backend
 * initialisation). Returns the names of what it registered. Idempotent.
 */
export function registerOwnKernels(backendName: string): string[] {
  const names = [
    "Conv2D gradient (dilation)",
    "FusedConv2D gradient (dilation, lazy)",
    "Relu gradient (one kernel where there is one)",
    "Concat gradient (a slice per input that needs one)",
  ];
  registerConv2dGradient();
  enableFusedConv2dGradient();
  registerReluGradient();
  registerConcatGradient();
  if (backendName === "wasm") {
    if (!done.has(backendName)) {
      replaceKernel(conv2dBackpropFilterConfig);
      replaceKernel(conv2dBackpropInputConfig());
      for (const config of conv2dConfigs()) replaceKernel(config);
      replaceKernel(concatConv2dConfig);
      for (const config of reduceLeadingConfigs()) replaceKernel(config);
      for (const config of aliasConfigs()) replaceKernel(config);
      for (const config of batchNormTrainConfigs) replaceKernel(config);
      replaceKernel(maxPoolGradConfig);
      replaceKernel(maxPoolConfig());
      for (const config of splitConcatConfigs()) replaceKernel(config);
      replaceKernel(softmaxXentConfig);
      replaceKernel(reluConfig());
      replaceKernel(reluGradConfig);
      replaceKernel(flipFilterConfig);
      replaceKernel(resizeNearestConfig());
      replaceKernel(upsample2xGradConfig);
      replaceKernel(adamConfig);
      markDilationAwareFilterGrad("wasm");
    }
    names.push(
      "Conv2DBackpropFilter (wasm)",
      "Conv2DBackpropInput (wasm)",
      "Conv2D, FusedConv2D 3x3 by Winograd F(4x4, 3x3) (wasm)",
      "convolution of a channel concatenation without the copy (wasm)",
      "Sum, Mean over leading axes (wasm)",
      "Identity, Cast without copies (wasm)",
      "BatchNorm training forward and backward, fused (wasm)",
      "2x2 max-pool and its gradient, one pass each (wasm)",
      "SplitV, Concat, column and contiguous Slice as block copies (wasm)",
      "softmax cross-entropy with its gradient, fused (wasm)",
      "Relu and its gradient, filter flip (wasm)",
      "x2 nearest upsampling and its gradient (wasm)",
      "Adam step, fused (wasm)",
    );
  }
  done.add(backendName);
  return names;
}
