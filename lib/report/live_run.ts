/**
 * Runs `lib/report/live_cli.ts` (export or check) in its own Deno process,
 * as the report runs each notebook in its own kernel: the report's process
 * never loads tfjs, and the models are obtained with exactly the settings
 * the notebooks saw (the same COLOURLAB_* environment).
 *
 * @module
 */
const CLI = new URL("./live_cli.ts", import.meta.url).pathname;

/** How a live command ended. */
export interface LiveRun {
  ok: boolean;
  seconds: number;
  /** The lines it printed (stdout and stderr), in order. */
  lines: string[];
  /** Its last error line, when it failed. */
  failure?: string;
}

/**
 * Runs `live_cli.ts <args>` with `env` added to this process's environment;
 * each line it prints goes to `onLine` as it comes.
 */
export async function runLiveCommand(
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void = () => {},
): Promise<LiveRun> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { ...env, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const errors: string[] = [];
  const read = async (stream: ReadableStream<Uint8Array>, isErr: boolean) => {
    const take = (line: string) => {
      lines.push(line);
      if (isErr && line.trim()) errors.push(line.trim());
      onLine(line);
    };
    let partial = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      parts.forEach(take);
    }
    if (partial) take(partial);
  };
  const [status] = await Promise.all([
    child.status,
    read(child.stdout, false),
    read(child.stderr, true),
  ]);
  return {
    ok: status.success,
    seconds: (performance.now() - t0) / 1000,
    lines,
    ...(status.success ? {} : {
      failure: errors.filter((e) => !/XDG_RUNTIME_DIR/.test(e)).at(-1) ??
        `exit code ${status.code}`,
    }),
  };
}
