/**
 * ColourlabAdam for the wasm backend: {p, g, m, v} -> [p', m', v'] of one
 * Adam step in one SIMD pass (see adam.as for the formula).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapOffset, kernelsFor } from "../plumbing/own_wasm.ts";

/** Kernel name (shared with the op in ../adam_update.ts). */
export const ADAM = "ColourlabAdam";

/** Attributes of one step. */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learningRate / (1 - beta1^t). */
  stepSize: number;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
}

function adam(
  args: {
    inputs: tf.NamedTensorInfoMap;
    attrs?: tf.NamedAttrMap;
    backend: unknown;
  },
): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { p, g, m, v } = args.inputs as Record<string, tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const outs = [p, m, v].map((t) => backend.makeOutput(t.shape, "float32"));
  const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
  kernelsFor(backendMemory(backend)).adamUpdate(
    at(p),
    at(g),
    at(m),
    at(v),
    at(outs[0]),
    at(outs[1]),
    at(outs[2]),
    tf.util.sizeFromShape(p.shape),
    a.beta1,
    1 - a.beta1,
    a.beta2,
    1 - a.beta2,
    a.stepSize,
    a.bc2Sqrt,
    a.epsilon,
  );
  return outs;
}

/**
 * The kernel config for the wasm backend.
 */
export const adamConfig: tf.KernelConfig = {
  kernelName: ADAM,
  backendName: "wasm",
  kernelFunc: adam as unknown as tf.KernelFunc,
};
