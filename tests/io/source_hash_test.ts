import assert from "node:assert/strict";
import { hashSources } from "../../lib/io/source_hash.ts";

Deno.test("hashSources() covers the .ts files of subfolders too", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/lib/a/b`, { recursive: true });
    await Deno.writeTextFile(`${dir}/lib/a/top.ts`, "export const x = 1;");
    await Deno.writeTextFile(`${dir}/lib/a/b/deep.ts`, "export const y = 1;");
    await Deno.writeTextFile(`${dir}/lib/a/b/notes.md`, "not source");
    const base = new URL(`file://${dir}/lib/mod.ts`).href;
    const first = await hashSources(base, ["./a/"], []);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(await hashSources(base, ["./a/"], []), first);
    await Deno.writeTextFile(`${dir}/lib/a/b/notes.md`, "still not source");
    assert.equal(await hashSources(base, ["./a/"], []), first);
    await Deno.writeTextFile(`${dir}/lib/a/b/deep.ts`, "export const y = 2;");
    assert.notEqual(await hashSources(base, ["./a/"], []), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
