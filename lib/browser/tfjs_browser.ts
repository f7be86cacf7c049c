/**
 * What `@tensorflow/tfjs` means inside the live page's bundle: tfjs-core
 * (with its chained tensor methods, `t.reshape(...)`, which the union
 * package registers) and tfjs-layers only. The union package would also
 * bring the WebGL and cpu backends, tfjs-converter and tfjs-data (twice the
 * bytes), none of which the page uses; lib/report/live_bundle.ts maps the
 * name here.
 *
 * @module
 */
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";

export * from "@tensorflow/tfjs-core";
export * from "@tensorflow/tfjs-layers";
