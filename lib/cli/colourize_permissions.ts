/**
 * The narrowest permissions for a colourize command line, and the
 * `deno run` command that the `colourize` task starts with exactly those
 * (as lib/cli/launch.ts does for `train`).
 *
 * @module
 */
import { resolve } from "node:path";
import { type ColourizeArgs, parseColourizeArgs } from "./colourize_args.ts";
import { npmCacheDir, PROJECT_ROOT } from "./launch.ts";
import {
  type PermissionContext,
  permissionFlags,
  TRAIN_ENV_VARS,
  TRAIN_SYS,
  type TrainPermissions,
} from "./permissions.ts";

/**
 * The narrowest permissions for one colourize command line: read the
 * project, the images, the run (and the palette cache beside it) and
 * Deno's copy of the npm packages that load files at run time; write only
 * --out; FFI only for sharp's native module; no network.
 */
export function colourizePermissions(
  args: ColourizeArgs,
  ctx: Pick<PermissionContext, "projectRoot" | "npmCache">,
): TrainPermissions {
  const at = (p: string) => resolve(ctx.projectRoot, p);
  const out = at(args.out);
  const read = [ctx.projectRoot, out, ...args.images.map(at)];
  if (args.run) read.push(at(args.run));
  if (args.runs) read.push(at(args.runs));
  const ffi: string[] = [];
  // As lib/cli/permissions.ts trainPermissions: the wasm backend's files and sharp's native module.
  if (ctx.npmCache) {
    read.push(
      `${ctx.npmCache}/registry.npmjs.org/@tensorflow/tfjs-backend-wasm`,
    );
    ffi.push(`${ctx.npmCache}/registry.npmjs.org/@img`);
  } else ffi.push(`${ctx.projectRoot}/node_modules/@img`);
  return {
    read: [...new Set(read)],
    write: [out],
    net: [],
    env: [...TRAIN_ENV_VARS],
    sys: [...TRAIN_SYS],
    ffi,
  };
}

/**
 * The `deno run` argument list that runs this CLI with the permissions
 * `argv` needs (what the `colourize` task starts).
 */
export async function colourizeCommand(argv: string[]): Promise<string[]> {
  const perms = colourizePermissions(parseColourizeArgs(argv), {
    projectRoot: PROJECT_ROOT,
    npmCache: await npmCacheDir(),
  });
  return [
    "run",
    ...permissionFlags(perms),
    `${PROJECT_ROOT}/lib/cli/colourize.ts`,
    ...argv,
  ];
}
