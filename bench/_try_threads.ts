import * as tf from "@tensorflow/tfjs-core";
import { initThreadedWasm } from "../lib/backend/wasm_threads.ts";
const t0 = performance.now();
const n = Number(Deno.args[0] ?? 2);
const got = await initThreadedWasm(n);
console.log(
  "threads",
  got,
  "init ms",
  (performance.now() - t0).toFixed(0),
  tf.getBackend(),
);
const x = tf.randomNormal([100, 16, 16, 32], 0, 1, "float32", 1);
const w = tf.randomNormal([3, 3, 32, 64], 0, 1, "float32", 2);
for (let r = 0; r < 3; r++) {
  const s = performance.now();
  for (let i = 0; i < 10; i++) {
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same");
    y.dataSync();
    y.dispose();
  }
  console.log("conv ms", ((performance.now() - s) / 10).toFixed(1));
}
const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same");
const d = y.dataSync();
let h = 0;
for (let i = 0; i < d.length; i++) h = (h * 31 + Math.round(d[i] * 1e4)) | 0;
console.log("hash", h);
