/**
 * A child process that ends with its launcher: the launchers (`deno task
 * train`, `colourize`, `finetune`, the run workers) start their child with a
 * pipe on its stdin and never write to it. When the launcher dies, however
 * it dies (SIGKILL included), the pipe closes and the child exits, instead of
 * training on as an orphan.
 *
 * @module
 */

/** The variable a launcher sets for a child that should watch it. */
export const WATCH_VARIABLE = "COLOURLAB_WATCH_PARENT";

/**
 * When started by a launcher ({@link WATCH_VARIABLE} is "1"), exits the
 * process with code 143 as soon as stdin closes. A no-op otherwise, so the
 * script also runs by hand from a terminal.
 */
export function watchParent(): void {
  let on = false;
  try {
    on = Deno.env.get(WATCH_VARIABLE) === "1";
  } catch { /* no --allow-env: not started by a launcher */ }
  if (!on) return;
  (async () => {
    const buffer = new Uint8Array(256);
    try {
      while ((await Deno.stdin.read(buffer)) !== null) { /* ignore input */ }
    } catch { /* closed */ }
    Deno.exit(143);
  })();
}

/**
 * Options for `new Deno.Command` that make the child watch this process
 * (stdin piped and kept open, {@link WATCH_VARIABLE} set).
 */
export function watchedChild(
  env: Record<string, string> = {},
): { stdin: "piped"; env: Record<string, string> } {
  return { stdin: "piped", env: { ...env, [WATCH_VARIABLE]: "1" } };
}
