/**
 * Entry point of `deno task train`: checks the command line, works out the
 * narrowest permissions the trainer needs for it (lib/cli/permissions.ts), and
 * runs lib/cli/train.ts in a child `deno run` with exactly those flags.
 *
 * The launcher itself may only read the project, read COLOURLAB_* variables
 * and run the deno binary that runs it.
 *
 * @module
 */
import { watchedChild } from "./parent_watch.ts";
import { permissionFlags, trainPermissions } from "./permissions.ts";
import { parseTrainArgs, USAGE, UsageError } from "./train_args.ts";

/** The project root: two folders above this file. */
export const PROJECT_ROOT = new URL("../..", import.meta.url).pathname.replace(
  /\/$/,
  "",
);

/** Deno's npm cache folder, from `deno info --json` (undefined if it cannot tell). */
export async function npmCacheDir(
  deno = Deno.execPath(),
): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(deno, {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return undefined;
    return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache as
      | string
      | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The full `deno run` argument list that starts `script` (default the
 * trainer) with the permissions `argv` needs.
 */
export async function trainerCommand(
  argv: string[],
  opts: { script?: string; env?: (name: string) => string | undefined } = {},
): Promise<string[]> {
  const args = parseTrainArgs(argv);
  const perms = trainPermissions(args, {
    projectRoot: PROJECT_ROOT,
    npmCache: await npmCacheDir(),
    env: opts.env ?? ((name) => Deno.env.get(name)),
  });
  const script = opts.script ?? `${PROJECT_ROOT}/lib/cli/train.ts`;
  return ["run", ...permissionFlags(perms), script, ...argv];
}

if (import.meta.main) {
  let command: string[];
  try {
    command = await trainerCommand(Deno.args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message ? `error: ${e.message}\n\n${USAGE}` : USAGE);
    Deno.exit(e.message ? 2 : 0);
  }
  Deno.exit(await runChild(command));
}

/**
 * Runs `deno <command>` in the project as a child that ends with this
 * process (lib/cli/parent_watch.ts), and returns its exit code. Ctrl-C
 * reaches the child from the terminal (same process group) and the child
 * stops cleanly; this process waits for it. SIGTERM is passed on.
 */
export async function runChild(command: string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: command,
    cwd: PROJECT_ROOT,
    ...watchedChild(),
  }).spawn();
  const ignore = () => {};
  const term = () => child.kill("SIGTERM");
  Deno.addSignalListener("SIGINT", ignore);
  Deno.addSignalListener("SIGTERM", term);
  try {
    return (await child.status).code;
  } finally {
    Deno.removeSignalListener("SIGINT", ignore);
    Deno.removeSignalListener("SIGTERM", term);
  }
}
