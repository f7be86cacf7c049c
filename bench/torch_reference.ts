/**
 * Runs bench/reference_torch.py with /usr/bin/python3 and parses its JSON
 * lines. Never throws for a missing Python or PyTorch: the result says what
 * is missing and how to install it.
 *
 * @see issue 3 item 1
 * @module
 */
import type { ModelKind, WorkloadOptions } from "./workload.ts";

/** The Python the reference runs with (Debian's, where python3-torch lives). */
export const PYTHON = "/usr/bin/python3";

/** How to get PyTorch on Debian. */
export const INSTALL_HINT =
  "install it with `apt-get install python3-torch` (Debian/Ubuntu), then run the bench again";

/** One measurement of the PyTorch side. */
export interface TorchMeasurement {
  kind: "train" | "infer";
  model: ModelKind;
  imgPerS: number;
  medianMs: number;
  steps: number;
}

/** Everything the reference reported. */
export interface TorchResult {
  /** torch.__version__, when PyTorch ran. */
  version?: string;
  /** torch.get_num_threads() after set_num_threads. */
  threads?: number;
  results: TorchMeasurement[];
  /** Why there are no (or not all) results. */
  error?: string;
}

/** Options of {@link runTorchReference}. */
export interface TorchOptions {
  threads: number;
  steps: number;
  warmup: number;
  models: ModelKind[];
  workload: WorkloadOptions;
}

/** Runs the PyTorch reference to completion. */
export async function runTorchReference(
  opts: TorchOptions,
): Promise<TorchResult> {
  const script = decodeURIComponent(
    new URL("./reference_torch.py", import.meta.url).pathname,
  );
  const w = opts.workload;
  const args = [
    script,
    "--threads",
    String(opts.threads),
    "--steps",
    String(opts.steps),
    "--warmup",
    String(opts.warmup),
    "--batch-size",
    String(w.batchSize),
    "--size",
    String(w.size),
    "--nf",
    String(w.numFilters),
    "--nc",
    String(w.numColours),
    "--kernel",
    String(w.kernelSize),
    "--seed",
    String(w.seed),
    "--models",
    opts.models.join(","),
  ];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(PYTHON, {
      args,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (e) {
    return {
      results: [],
      error: `could not run ${PYTHON} (${
        (e as Error).message
      }); ${INSTALL_HINT}`,
    };
  }
  return parseTorchOutput(
    new TextDecoder().decode(out.stdout),
    new TextDecoder().decode(out.stderr),
    out.code,
  );
}

/** Parses the reference's stdout (JSON lines); exported for tests. */
export function parseTorchOutput(
  stdout: string,
  stderr: string,
  code: number,
): TorchResult {
  const result: TorchResult = { results: [] };
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    if (o.kind === "meta") {
      result.version = String(o.torch);
      result.threads = Number(o.threads);
    } else if (o.kind === "error") {
      result.error = `${o.error}; ${INSTALL_HINT}`;
    } else if (o.kind === "train" || o.kind === "infer") {
      result.results.push(o as unknown as TorchMeasurement);
    }
  }
  if (code !== 0 && !result.error) {
    const tail = stderr.trim().split("\n").slice(-3).join(" / ");
    result.error = `reference_torch.py exited with ${code}: ${tail}`;
  }
  return result;
}
