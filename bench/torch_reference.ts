/**
 * The PyTorch side of the bench: bench/reference_torch.py run with
 * /usr/bin/python3, kept running (`--serve`) so that the bench can interleave
 * tfjs and PyTorch measurements and both see the same load on a shared
 * machine. A missing Python or PyTorch is reported with install advice,
 * never thrown.
 *
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
  /** Milliseconds of each timed step. */
  timesMs: number[];
  /** CPU milliseconds of the process (every thread) in each timed step. */
  cpuMs?: number[];
}

/** Self CPU time per step of each PyTorch operator (torch.profiler). */
export interface TorchProfile {
  kind: "profile";
  model: ModelKind;
  of: "train" | "infer";
  ops: { name: string; ms: number; calls: number }[];
}

/** What the reference said about itself. */
export interface TorchMeta {
  /** torch.__version__. */
  version: string;
  /** torch.get_num_threads() after set_num_threads. */
  threads: number;
  /** The CPU model or the CUDA device it runs on. */
  device: string;
}

/** Options of {@link TorchServer.start}. */
export interface TorchOptions {
  threads: number;
  workload: WorkloadOptions;
  /** "auto" uses CUDA when PyTorch sees a GPU (default "cpu"). */
  device?: "cpu" | "cuda" | "auto";
  /** Inference through torch.jit.freeze + optimize_for_inference (default: eager). */
  freeze?: boolean;
  /** Program and leading arguments instead of `[PYTHON, reference_torch.py]` (tests). */
  command?: string[];
}

/** A running `reference_torch.py --serve`. */
export class TorchServer {
  #pending: ((line: string | undefined) => void)[] = [];
  #lines: string[] = [];
  #done = false;
  #stderr = "";

  private constructor(
    private readonly child: Deno.ChildProcess,
    readonly meta: TorchMeta,
  ) {}

  /** Starts the reference; resolves to an error message when it cannot run. */
  static async start(
    opts: TorchOptions,
  ): Promise<TorchServer | { error: string }> {
    const script = decodeURIComponent(
      new URL("./reference_torch.py", import.meta.url).pathname,
    );
    const w = opts.workload;
    const flags: Record<string, string | number> = {
      threads: opts.threads,
      "batch-size": w.batchSize,
      size: w.size,
      nf: w.numFilters,
      nc: w.numColours,
      kernel: w.kernelSize,
      seed: w.seed,
      device: opts.device ?? "cpu",
      freeze: opts.freeze ? 1 : 0,
    };
    const [program, ...lead] = opts.command ?? [PYTHON, script];
    const args = [
      ...lead,
      "--serve",
      ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]),
    ];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program, {
        args,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      })
        .spawn();
    } catch (e) {
      return {
        error: `could not run ${program} (${
          (e as Error).message
        }); ${INSTALL_HINT}`,
      };
    }
    const server = new TorchServer(child, {
      version: "",
      threads: 0,
      device: "",
    });
    server.#pump();
    const first = await server.#nextLine();
    const parsed = first === undefined
      ? undefined
      : JSON.parse(first) as Record<string, unknown>;
    if (parsed?.kind !== "meta") {
      const status = await child.status;
      const why = parsed?.kind === "error"
        ? `${parsed.error}; ${INSTALL_HINT}`
        : `reference_torch.py exited with ${status.code}: ${
          lastLines(server.#stderr)
        }`;
      return { error: why };
    }
    Object.assign(server.meta, {
      version: String(parsed.torch),
      threads: Number(parsed.threads),
      device: String(parsed.device ?? "cpu"),
    });
    return server;
  }

  /** Times `steps` steps (after `warmup` untimed ones) of one model. */
  measure(
    model: ModelKind,
    kind: "train" | "infer",
    warmup: number,
    steps: number,
  ): Promise<TorchMeasurement> {
    return this.#ask({ model, kind, warmup, steps });
  }

  /** Per-operator CPU time per step over `steps` steps of one model. */
  profile(
    model: ModelKind,
    kind: "train" | "infer",
    warmup: number,
    steps: number,
  ): Promise<TorchProfile> {
    return this.#ask({ model, kind, warmup, steps, profile: true });
  }

  async #ask<T>(request: Record<string, unknown>): Promise<T> {
    const writer = this.child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(JSON.stringify(request) + "\n"),
    );
    writer.releaseLock();
    const line = await this.#nextLine();
    if (line === undefined) {
      throw new Error(`reference_torch.py stopped: ${lastLines(this.#stderr)}`);
    }
    return JSON.parse(line) as T;
  }

  /** Ends the reference process. */
  async close(): Promise<void> {
    try {
      await this.child.stdin.close();
    } catch {
      // already closed
    }
    await this.child.status;
  }

  #nextLine(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined || this.#done) return Promise.resolve(line);
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  async #pump(): Promise<void> {
    const stderr = (async () => {
      for await (
        const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())
      ) {
        this.#stderr = (this.#stderr + chunk).slice(-4000);
      }
    })();
    let buf = "";
    for await (
      const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const waiting = this.#pending.shift();
        if (waiting) waiting(line);
        else this.#lines.push(line);
      }
    }
    await stderr;
    this.#done = true;
    for (const waiting of this.#pending.splice(0)) waiting(undefined);
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ");
}
