/**
 * Runs one notebook top to bottom in a fresh Deno kernel through
 * tools/run_notebook.py (a jupyter_client client that loses no late output).
 *
 * Nothing outlives the report: an abort signal stops the runner (SIGTERM,
 * then SIGKILL after a grace period), the runner kills its kernel on any
 * stop, and it watches the stdin pipe this process holds open, so that it
 * stops by itself when this process dies, even by SIGKILL.
 *
 * @see tools/run_notebook.py
 * @module
 */

/** Debian's Python, which has jupyter_client and nbformat (a pyenv one may shadow it). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** The executor script, found from this module so any working directory works. */
export const RUNNER =
  new URL("../../tools/run_notebook.py", import.meta.url).pathname;

/** Options of {@link runNotebook}. */
export interface RunNotebookOptions {
  /** Where the executed copy goes. */
  out: string;
  /** Extra environment for the kernel (COLOURLAB_* settings). */
  env?: Record<string, string>;
  /** Seconds one cell may run, 0 for no limit (default: the runner's 3600). */
  cellTimeoutS?: number;
  /** Python with jupyter_client (default /usr/bin/python3, or $COLOURLAB_PYTHON). */
  python?: string;
  /** The executor script (default {@link RUNNER}). */
  runner?: string;
  /** Receives each progress line of the runner (stderr), as it comes. */
  onLine?: (line: string) => void;
  /** Stops the run: the runner gets SIGTERM, and SIGKILL after `killAfterMs`. */
  signal?: AbortSignal;
  /** Grace period between SIGTERM and SIGKILL (default 5,000 ms). */
  killAfterMs?: number;
}

/** What happened to one notebook. */
export interface NotebookRun {
  ok: boolean;
  /** Wall seconds, kernel start to shutdown. */
  seconds: number;
  /** E.g. "cell 7 (code cell 5): Error: boom", when it failed. */
  failure?: string;
  /** The runner's stderr, for diagnosis. */
  log: string;
}

/**
 * Streams lines of a byte stream to `onLine`, and returns all text; stops
 * reading when `stopReading` aborts.
 */
async function collectLines(
  stream: ReadableStream<Uint8Array>,
  onLine: ((line: string) => void) | undefined,
  stopReading: AbortSignal,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => reader.cancel().catch(() => {});
  stopReading.addEventListener("abort", cancel, { once: true });
  let all = "";
  let partial = "";
  try {
    while (true) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      all += chunk;
      partial += chunk;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine?.(line);
    }
  } finally {
    stopReading.removeEventListener("abort", cancel);
  }
  if (partial) onLine?.(partial);
  return all;
}

/** How long the runner's pipes may stay open after it exited. */
const PIPE_GRACE_MS = 2000;

/**
 * Executes `notebook` (cwd = its folder) and writes the executed copy to
 * `options.out`, also when a cell fails.
 */
export async function runNotebook(
  notebook: string,
  options: RunNotebookOptions,
): Promise<NotebookRun> {
  const python = options.python ?? Deno.env.get("COLOURLAB_PYTHON") ??
    SYSTEM_PYTHON;
  const args = [
    options.runner ?? RUNNER,
    notebook,
    "--out",
    options.out,
    "--watch-stdin",
  ];
  if (options.cellTimeoutS !== undefined) {
    args.push("--timeout", String(options.cellTimeoutS));
  }
  const started = performance.now();
  const child = new Deno.Command(python, {
    args,
    env: { ...options.env, NO_COLOR: "1", PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdin: "piped", // never written: its end is the runner's sign that we are gone
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stop = stopper(child, options.killAfterMs ?? 5000);
  options.signal?.addEventListener("abort", stop.now, { once: true });
  if (options.signal?.aborted) stop.now();
  const stopReading = new AbortController();
  const output = Promise.all([
    collectLines(child.stderr, options.onLine, stopReading.signal),
    collectLines(child.stdout, options.onLine, stopReading.signal),
  ]);
  const status = await child.status;
  // A process the runner started and left behind would hold its pipes open
  // for ever: read on for a moment, not until it ends.
  const timer = setTimeout(() => stopReading.abort(), PIPE_GRACE_MS);
  const [stderr, stdout] = await output;
  let log = stderr;
  clearTimeout(timer);
  if (stopReading.signal.aborted) {
    const left = `report: ${notebook}: a process its runner started still ` +
      `held the runner's output ${PIPE_GRACE_MS / 1000} s after the runner ` +
      `exited; stopped reading it`;
    options.onLine?.(left);
    log += `${left}\n`;
  }
  options.signal?.removeEventListener("abort", stop.now);
  stop.done();
  await child.stdin.close().catch(() => {});
  const seconds = (performance.now() - started) / 1000;
  if (options.signal?.aborted) {
    const failure = `stopped by ${options.signal.reason}`;
    return { ok: false, seconds, failure, log: log + stdout };
  }
  if (status.success) return { ok: true, seconds, log: log + stdout };
  const failed = /^FAILED \S+ (.*)$/m.exec(log)?.[1];
  const failure = failed ??
    (log.trim().split("\n").at(-1) ||
      `runner exited with status ${status.code}`);
  return { ok: false, seconds, failure, log: log + stdout };
}

/** SIGTERM to the runner now, SIGKILL if it is still there `killAfterMs` later. */
function stopper(child: Deno.ChildProcess, killAfterMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { /* already gone */ }
  };
  return {
    now() {
      signal("SIGTERM");
      timer ??= setTimeout(() => signal("SIGKILL"), killAfterMs);
    },
    done() {
      clearTimeout(timer);
    },
  };
}
