/**
 * The modules of `deno task colourize` that need permissions at import time,
 * imported lazily so that its launcher can start without them.
 *
 * @module
 */

/**
 * tfjs, sharp and the models, loaded only when colourizing: the launcher
 * runs without the permissions they need at import time (sharp reads
 * environment variables and loads a native module).
 */
export async function workerModules() {
  const [backend, colourize, load, files] = await Promise.all([
    import("../backend.ts"),
    import("../colourize.ts"),
    import("../run/load.ts"),
    import("../io/file_handler.ts"),
  ]);
  return { ...backend, ...colourize, ...load, ...files };
}
