/**
 * One worker process, as runAll's training workers and the cost study's
 * worker start it: `deno run` of a script with one JSON argument, ended with
 * its parent (COLOURLAB_WATCH_PARENT and the stdin pipe), Ctrl-C passed on,
 * and its messages read from the stdout lines that carry `prefix`.
 *
 * @module
 */

/** How a worker process ended. */
export interface WorkerExit {
  code: number;
  /** The last 5 lines of its stderr. */
  stderrTail: string;
}

/** Runs `script` with `arg` and hands each message to `onMessage` as it comes. */
export async function runWorkerProcess<M>(opts: {
  script: URL;
  arg: string;
  prefix: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onMessage: (message: M) => void;
}): Promise<WorkerExit> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", opts.script.pathname, opts.arg],
    env: { ...opts.env, COLOURLAB_WATCH_PARENT: "1", NO_COLOR: "1" },
    stdin: "piped", // never written: its end tells the worker we are gone
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // SIGINT reaches a worker with its process group (a terminal's Ctrl-C,
  // Jupyter's interrupt); when only this process got it, pass it on.
  const forward = () => {
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
  };
  opts.signal.addEventListener("abort", forward);
  const stderr = new Response(child.stderr).text();
  let buffered = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith(opts.prefix)) continue;
      opts.onMessage(JSON.parse(line.slice(opts.prefix.length)) as M);
    }
  }
  const status = await child.status;
  opts.signal.removeEventListener("abort", forward);
  const stderrTail = (await stderr).trim().split("\n").slice(-5).join("\n");
  return { code: status.code, stderrTail };
}
