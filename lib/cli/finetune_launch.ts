/**
 * Entry point of `deno task finetune`: checks the command line, works out the
 * narrowest permissions lib/cli/finetune.ts needs for it (the same rules as
 * `deno task train`, lib/cli/permissions.ts, plus reading the --data folder),
 * and runs it in a child `deno run` with exactly those flags.
 *
 * @module
 */
import { npmCacheDir, PROJECT_ROOT, runChild } from "./launch.ts";
import { permissionFlags, trainPermissions } from "./permissions.ts";
import type { TrainArgs } from "./train_args.ts";
import {
  type FineTuneArgs,
  parseFineTuneArgs,
  USAGE,
} from "./finetune_args.ts";

/**
 * The `deno run` argument list that starts lib/cli/finetune.ts with the
 * permissions `argv` needs: read the project, the pre-training data, the
 * segmentation folder and --out; write only `data/` and --out; the network
 * only when CIFAR-10 may have to be downloaded; FFI only for sharp.
 */
export async function fineTuneCommand(
  argv: string[],
  opts: { env?: (name: string) => string | undefined } = {},
): Promise<string[]> {
  const args = parseFineTuneArgs(argv);
  if (args === "help") return [];
  const perms = trainPermissions(
    { data: args.pretrainData, out: args.out } as TrainArgs,
    {
      projectRoot: PROJECT_ROOT,
      npmCache: await npmCacheDir(),
      env: opts.env ?? ((name) => Deno.env.get(name)),
    },
  );
  if (args.data !== undefined && args.data !== "synthetic") {
    perms.read.push(
      args.data.startsWith("/") ? args.data : `${PROJECT_ROOT}/${args.data}`,
    );
  }
  return [
    "run",
    ...permissionFlags(perms),
    `${PROJECT_ROOT}/lib/cli/finetune.ts`,
    ...argv,
  ];
}

if (import.meta.main) {
  let command: string[];
  let args: FineTuneArgs | "help";
  try {
    args = parseFineTuneArgs(Deno.args);
    command = await fineTuneCommand(Deno.args);
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
  if (args === "help") {
    console.log(USAGE);
    Deno.exit(0);
  }
  Deno.exit(await runChild(command));
}
