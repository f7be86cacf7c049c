/**
 * Identity and same-dtype Cast for the wasm backend without copying: the
 * output shares the input's memory (reference-counted), as on the cpu
 * backend. The wasm backend's own kernels copy, and tfjs clones every
 * tensor a custom gradient saves (and casts every gradient of a clone), so
 * a training step copied each saved activation once or twice.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

function alias(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Kernel configs for Identity and Cast (created after the backend is
 * imported: strings and dtype changes still go to its kernels).
 */
export function aliasConfigs(): tf.KernelConfig[] {
  return (["Identity", "Cast"] as const).map((name) => {
    const builtin = tf.getKernel(name, "wasm");
    if (!builtin) throw new Error(`wasm backend not loaded: no ${name} kernel`);
    const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype ??
        x.dtype;
      if (x.dtype === "string" || dtype !== x.dtype) {
        return builtin.kernelFunc(
          args as Parameters<tf.KernelFunc>[0],
        ) as tf.TensorInfo;
      }
      return alias(args.backend as BackendWasm, x);
    };
    return {
      kernelName: name,
      backendName: "wasm",
      setupFunc: builtin.setupFunc,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    };
  });
}
