/**
 * Entry point of `deno task bench`: runs bench/bench.ts in a child `deno run`
 * with the narrowest permissions it needs: read the project and Deno's npm
 * cache (tfjs-backend-wasm reads its .wasm files from there), run
 * /usr/bin/python3 (the PyTorch reference), read COLOURLAB_BACKEND,
 * COLOURLAB_THREADS and XDG_RUNTIME_DIR, the CPU model and the load average
 * (`--allow-sys=cpus,loadavg`). No writes, no network.
 *
 * @module
 */
import { npmCacheDir, PROJECT_ROOT } from "../lib/cli/launch.ts";
import { PYTHON } from "./torch_reference.ts";

/** The `deno run` arguments that start the bench with `argv`. */
export async function benchCommand(argv: string[]): Promise<string[]> {
  const npm = await npmCacheDir();
  const read = [PROJECT_ROOT, ...(npm ? [npm] : [])].join(",");
  return [
    "run",
    "--no-prompt",
    `--allow-read=${read}`,
    `--allow-run=${PYTHON}`,
    // XDG_RUNTIME_DIR: set for the GPU probe when missing (lib/backend/webgpu.ts)
    "--allow-env=COLOURLAB_BACKEND,COLOURLAB_THREADS,XDG_RUNTIME_DIR",
    "--allow-sys=cpus,loadavg",
    `${PROJECT_ROOT}/bench/bench.ts`,
    ...argv,
  ];
}

if (import.meta.main) {
  const child = new Deno.Command(Deno.execPath(), {
    args: await benchCommand(Deno.args),
    cwd: PROJECT_ROOT,
  }).spawn();
  Deno.exit((await child.status).code);
}
