import assert from "node:assert/strict";
import {
  changedFiles,
  normaliseSource,
  runtimeImports,
} from "../../lib/run/code_version.ts";
import { CODE_ROOTS, trainingCode } from "../../lib/run/key.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("normaliseSource() ignores comments and formatting, not code", () => {
  const a = `// a comment
import { x } from "./x.ts"; /* block */
export function f(a: number, b: number): number {
  return a / b + x(/re\\/gex/g, "s // not a comment", \`t \${a} // kept\`);
}
`;
  const formatted = `/**
 * Docs.
 */
import { x } from "./x.ts";
export function f(
  a: number,
  b: number,
): number {
  // why
  return a / b + x(
    /re\\/gex/g,
    "s // not a comment",
    \`t \${a} // kept\`,
  );
}
`;
  assert.equal(normaliseSource(a), normaliseSource(formatted));
  assert.match(normaliseSource(a), /"s \/\/ not a comment"/);
  assert.match(normaliseSource(a), /`t \$\{a\} \/\/ kept`/);
  assert.notEqual(
    normaliseSource(a),
    normaliseSource(a.replace("a / b", "a * b")),
  );
  assert.notEqual(
    normaliseSource("const s = 'a  b';"),
    normaliseSource("const s = 'a b';"),
    "whitespace inside strings counts",
  );
});

Deno.test("runtimeImports() skips type-only imports", () => {
  const src = `import type { A } from "./a.ts";
import { type B, c } from "./b.ts";
export * from "./d.ts";
export type { E } from "./e.ts";
import "./f.ts";
const g = await import("./g.ts");
import{h}from"./h.ts";`;
  assert.deepEqual(runtimeImports(src).sort(), [
    "./b.ts",
    "./d.ts",
    "./f.ts",
    "./g.ts",
    "./h.ts",
  ]);
});

Deno.test("the training path: trainer, models, data preparation, kernels; not downloads, display or the bench", async () => {
  const files = Object.keys(await trainingCode());
  for (
    const f of [
      "lib/train/fit.ts",
      "lib/models/unet.ts",
      "lib/data/palette.ts",
      "lib/backend.ts",
    ]
  ) {
    assert.ok(files.includes(f), `${f} counts`);
  }
  assert.ok(files.some((f) => f.startsWith("lib/kernels/")), "kernels count");
  for (
    const f of [
      "lib/data/download.ts",
      "lib/data/cifar.ts",
      "bench/kernels/kernel_timer.ts",
      "lib/notebook.ts",
      "lib/plots.ts",
    ]
  ) {
    assert.ok(!files.includes(f), `${f} does not count`);
  }
  assert.ok(CODE_ROOTS.length > 0);
  assert.deepEqual(
    changedFiles({ a: "1", b: "2" }, { a: "1", b: "3", c: "4" }),
    [
      "b",
      "c",
    ],
  );
});

/** A copy of the project's code in a temporary folder, to edit freely. */
async function copyProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "colourlab_key_" });
  await copyTree(`${ROOT}lib`, `${dir}/lib`);
  await copyTree(`${ROOT}bench`, `${dir}/bench`);
  for (const f of ["deno.json", "deno.lock"]) {
    await Deno.copyFile(`${ROOT}${f}`, `${dir}/${f}`);
  }
  await Deno.mkdir(`${dir}/tests/run/fixtures`, { recursive: true });
  await Deno.copyFile(
    `${ROOT}tests/run/fixtures/tiny_run.ts`,
    `${dir}/tests/run/fixtures/tiny_run.ts`,
  );
  return dir;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) {
      await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
    }
  }
}

async function tinyRun(dir: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/run/fixtures/tiny_run.ts", `${dir}/cache`],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return stdout.trim().split("\n").filter((l) => !/TensorFlow|====|^$/.test(l));
}

async function edit(path: string, from: string | RegExp, to: string) {
  const text = await Deno.readTextFile(path);
  const next = text.replace(from, to);
  assert.notEqual(next, text, `edit of ${path} found nothing to change`);
  await Deno.writeTextFile(path, next);
}

Deno.test({
  name:
    "a cached run stays cached after a comment edit on the training path or any bench-only edit; a code edit in lib/train/fit.ts retrains, naming it",
  sanitizeResources: false,
  fn: async () => {
    const dir = await copyProject();
    try {
      assert.deepEqual((await tinyRun(dir)).at(-1), "trained");
      assert.deepEqual(await tinyRun(dir), ["cached"]);
      // a comment and reformatting in the trainer, on the training path
      await edit(
        `${dir}/lib/train/fit.ts`,
        "export async function trainModel(",
        "// a comment added by a user\nexport   async function   trainModel(",
      );
      // any edit of a bench-only module and of the downloader
      await edit(
        `${dir}/bench/kernels/kernel_timer.ts`,
        /$/,
        "\nexport const benchOnly = 1;\n",
      );
      await edit(
        `${dir}/lib/data/download.ts`,
        /$/,
        "\nexport const downloadOnly = 2;\n",
      );
      assert.deepEqual(await tinyRun(dir), ["cached"]);
      // a real code change in the trainer
      await edit(
        `${dir}/lib/train/fit.ts`,
        "lossSum += loss * (end - start);",
        "lossSum += loss * (end - start) * 1;",
      );
      const lines = await tinyRun(dir);
      assert.match(
        lines[0],
        /^retraining cnn_\S+: lib\/train\/fit\.ts changed$/,
      );
      assert.equal(lines.at(-1), "trained");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
