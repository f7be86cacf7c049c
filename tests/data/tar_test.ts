import assert from "node:assert/strict";
import { DataError } from "../../lib/data/errors.ts";
import { parseTar } from "../../lib/data/tar.ts";
import { concat, tarBytes } from "./fixtures.ts";

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

Deno.test("parseTar() reads the files a tar writer wrote", async (t) => {
  await t.step("short names, sizes across block boundaries", () => {
    const files = [
      { name: "a.bin", data: bytes(0, 1) },
      { name: "dir/b.bin", data: bytes(511, 2) },
      { name: "dir/c.bin", data: bytes(512, 3) },
      { name: "d.bin", data: bytes(1537, 4) },
    ];
    const entries = parseTar(tarBytes(files), "x.tar");
    assert.deepEqual(entries.map((e) => e.name), files.map((f) => f.name));
    entries.forEach((e, i) => assert.deepEqual(e.data, files[i].data));
  });
  const long = `${"folder-".repeat(20)}/cifar-10-batches-bin/data_batch_1.bin`;
  for (const longNames of [undefined, "gnu", "pax"] as const) {
    await t.step(
      `a name over 100 bytes via ${longNames ?? "a ustar prefix"}`,
      () => {
        const name = longNames ? `${"x".repeat(150)}/data_batch_1.bin` : long;
        const entries = parseTar(
          tarBytes([{ name, data: bytes(10, 5) }, {
            name: "z",
            data: bytes(3, 6),
          }], { longNames }),
          "x.tar",
        );
        assert.deepEqual(entries.map((e) => e.name), [name, "z"]);
        assert.deepEqual(entries[0].data, bytes(10, 5));
      },
    );
  }
});

Deno.test("parseTar() rejects what is not tar, naming the file", async (t) => {
  await t.step("random bytes", () => {
    assert.throws(
      () => parseTar(bytes(2048, 9), "junk.tar"),
      (e: Error) =>
        e instanceof DataError &&
        /^junk\.tar: not a tar archive/.test(e.message),
    );
  });
  await t.step("shorter than a header", () => {
    assert.throws(
      () => parseTar(bytes(100, 1), "tiny.tar"),
      /tiny\.tar: not a tar archive \(100 bytes/,
    );
  });
  await t.step("a corrupt second header", () => {
    const tar = tarBytes([{ name: "a", data: bytes(10, 1) }, {
      name: "b",
      data: bytes(10, 2),
    }]);
    tar[1024 + 3] ^= 0xff;
    assert.throws(
      () => parseTar(tar, "bad.tar"),
      /bad\.tar: corrupt tar archive \(bad header checksum at byte 1024\)/,
    );
  });
  await t.step("a truncated entry", () => {
    const tar = tarBytes([{ name: "a", data: bytes(5000, 1) }]);
    assert.throws(
      () => parseTar(tar.subarray(0, 2048), "cut.tar"),
      /cut\.tar: truncated tar archive/,
    );
  });
  await t.step("an archive without end blocks still lists its files", () => {
    const tar = tarBytes([{ name: "a", data: bytes(10, 1) }]);
    assert.equal(parseTar(concat([tar.subarray(0, 1024)]), "a.tar").length, 1);
  });
});
