/**
 * The narrowest Deno permissions that `lib/cli/train.ts` needs for one
 * command line. They depend on its arguments (--data, --palette, --out), so
 * lib/cli/launch.ts computes them here and starts the trainer with exactly
 * these flags.
 *
 * @module
 */
import { CACHE_DIR } from "./cache_dir.ts";
import type { TrainArgs } from "./train_args.ts";

/** The official CIFAR-10 download host. */
export const DEFAULT_DOWNLOAD_HOST = "www.cs.toronto.edu";

/**
 * Environment variables the trainer may read: colourlab's own settings,
 * XDG_RUNTIME_DIR (set for the GPU probe when missing, so that Mesa does not
 * print a false alarm: lib/backend/webgpu.ts), and what sharp reads when it
 * loads libvips.
 */
export const TRAIN_ENV_VARS = [
  "COLOURLAB_*",
  "XDG_RUNTIME_DIR",
  "npm_package_config_libvips",
  "MALLOC_ARENA_MAX",
  "SHARP_IGNORE_GLOBAL_LIBVIPS",
  "SHARP_FORCE_GLOBAL_LIBVIPS",
  "PKG_CONFIG_PATH",
] as const;

/**
 * System information the trainer may read: the core count (tfjs-backend-wasm's
 * thread pool) and what detect-libc's process report asks for when sharp
 * loads (hostname, network interfaces).
 */
export const TRAIN_SYS = ["cpus", "hostname", "networkInterfaces"] as const;

/** Where the trainer runs and what it may need besides its arguments. */
export interface PermissionContext {
  /** Absolute path of the project (its data/ cache is the only other writable folder). */
  projectRoot: string;
  /** Deno's npm cache (`deno info --json` .npmCache); packages are read from it at run time. */
  npmCache?: string;
  /** Reads an environment variable (COLOURLAB_DATA, COLOURLAB_CIFAR_URL). */
  env: (name: string) => string | undefined;
}

/** The permission grants, one list per kind (empty: none of that kind). */
export interface TrainPermissions {
  read: string[];
  write: string[];
  net: string[];
  env: string[];
  sys: string[];
  ffi: string[];
}

/** host[:port] of a URL, as --allow-net wants it; a clear error for a bad URL. */
export function netHost(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`COLOURLAB_CIFAR_URL="${url}" is not a URL`);
  }
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

function absolute(root: string, path: string): string {
  return path.startsWith("/") ? path : `${root}/${path}`;
}

/**
 * The permissions for one `deno task train` command line: read the project,
 * the data and palette given, Deno's copy of the two npm packages that load
 * files at run time, and --out; write only `data/` and --out; the network
 * only when the data may have to be downloaded, and then only to its host;
 * FFI only for sharp's native module.
 */
export function trainPermissions(
  args: TrainArgs,
  ctx: PermissionContext,
): TrainPermissions {
  const root = ctx.projectRoot;
  const out = absolute(root, args.out);
  const read = [root, out];
  const envData = ctx.env("COLOURLAB_DATA");
  const data = args.data ?? (envData === "" ? undefined : envData);
  if (data !== undefined && data !== "synthetic") {
    read.push(absolute(root, data));
  }
  if (args.palette !== undefined) read.push(absolute(root, args.palette));
  // sharp's native module is an npm package of @img (one per platform), in
  // Deno's npm cache or, with a node_modules folder, in the project.
  const ffi = [`${root}/node_modules/@img`];
  if (ctx.npmCache) {
    const registry = `${ctx.npmCache}/registry.npmjs.org`;
    // tfjs-backend-wasm reads its .wasm files with fs at run time.
    read.push(`${registry}/@tensorflow/tfjs-backend-wasm`);
    ffi.unshift(`${registry}/@img`);
  }
  const net = data === undefined
    ? [
      netHost(
        ctx.env("COLOURLAB_CIFAR_URL") || `https://${DEFAULT_DOWNLOAD_HOST}/`,
      ),
    ]
    : [];
  return {
    read: [...new Set(read)],
    write: [...new Set([`${root}/${CACHE_DIR}`, out])],
    net,
    env: [...TRAIN_ENV_VARS],
    sys: [...TRAIN_SYS],
    ffi,
  };
}

/** The `deno run` flags for {@link TrainPermissions} (never -A; --no-prompt). */
export function permissionFlags(p: TrainPermissions): string[] {
  const flags = ["--no-prompt"];
  const add = (kind: string, values: string[]) => {
    if (values.length > 0) flags.push(`--allow-${kind}=${values.join(",")}`);
  };
  add("read", p.read);
  add("write", p.write);
  add("net", p.net);
  add("env", p.env);
  add("sys", p.sys);
  add("ffi", p.ffi);
  return flags;
}
