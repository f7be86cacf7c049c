/**
 * The "before" of the profile: tfjs's own kernels and gradients, plus the
 * plain-JS Conv2DBackpropFilter that the wasm backend lacks (the prototype's
 * baseline in ../shared/notes/performance-leads.md). For measuring only.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  type ConvAttrs,
  convGeometry,
} from "../../lib/kernels/conv/conv_geometry.ts";
import { filterGradJs } from "./filter_grad_js.ts";

/** What registerOwnKernels replaces, as tfjs had it. */
export interface StockSnapshot {
  kernels: tf.KernelConfig[];
  gradients: tf.GradConfig[];
  fusedConv2d: typeof tf.fused.conv2d;
}

/**
 * Records tfjs's kernels of `backendName` and the gradients the project
 * replaces; call before registerOwnKernels (initTf).
 */
export function snapshotStock(backendName: string): StockSnapshot {
  return {
    kernels: tf.getKernelsForBackend(backendName).map((k) => ({ ...k })),
    gradients: ["Conv2D", "Relu"].map((n) => tf.getGradient(n)!).filter(
      Boolean,
    ),
    fusedConv2d: tf.fused.conv2d,
  };
}

function jsFilterGrad(
  args: {
    inputs: tf.NamedTensorInfoMap;
    attrs?: tf.NamedAttrMap;
    backend: unknown;
  },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const g = convGeometry(x.shape, attrs.filterShape, attrs);
  const dw = filterGradJs(
    backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(dy) as Float32Array,
    g,
  );
  return backend.makeOutput(attrs.filterShape, "float32", undefined, dw);
}

/**
 * Puts the snapshot back (after the backend is initialised): stock kernels,
 * stock gradients, stock fused conv2d; no FusedConv2D gradient; on wasm a
 * plain-JS Conv2DBackpropFilter.
 */
export function restoreStock(backendName: string, s: StockSnapshot): void {
  for (const k of tf.getKernelsForBackend(backendName)) {
    tf.unregisterKernel(k.kernelName, backendName);
  }
  for (const k of s.kernels) tf.registerKernel(k);
  for (const g of s.gradients) tf.registerGradient(g);
  // tfjs has no FusedConv2D gradient: its fused op carries its own.
  tf.registerGradient({
    kernelName: "FusedConv2D",
    gradFunc: () => {
      throw new Error("FusedConv2D has no registered gradient in tfjs");
    },
  });
  (tf.fused as unknown as { conv2d: unknown }).conv2d = s.fusedConv2d;
  if (backendName === "wasm") {
    tf.registerKernel({
      kernelName: "Conv2DBackpropFilter",
      backendName,
      kernelFunc: jsFilterGrad as unknown as tf.KernelFunc,
    });
  }
}
