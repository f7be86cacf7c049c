import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { CIFAR10_CLASSES, loadCategoryData } from "../../lib/data/cifar.ts";
import { DataError } from "../../lib/data/errors.ts";
import type { ImageSet } from "../../lib/data/types.ts";
import {
  concat,
  FIXTURE_LABELS,
  fixtureBatches,
  officialLayout,
  tarBytes,
  withEnv,
  writeArchive,
  writeFolder,
} from "./fixtures.ts";

/** The category's images straight from the records, by (y, x, channel) indexing. */
function expectedImages(
  files: Record<string, Uint8Array>,
  names: string[],
  category: number,
): number[] {
  const out: number[] = [];
  for (const name of names) {
    const bytes = files[name];
    for (let r = 0; r * 3073 < bytes.length; r++) {
      if (bytes[r * 3073] !== category) continue;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          for (let c = 0; c < 3; c++) {
            out.push(bytes[r * 3073 + 1 + c * 1024 + y * 32 + x] / 256);
          }
        }
      }
    }
  }
  return out;
}

const TRAIN = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);

function checkRoundTrip(
  set: ImageSet,
  files: Record<string, Uint8Array>,
  names: string[],
  category: number,
) {
  const count = names.reduce(
    (n, name) => n + FIXTURE_LABELS[name].filter((l) => l === category).length,
    0,
  );
  assert.equal(set.count, count);
  assert.equal(set.height, 32);
  assert.equal(set.width, 32);
  assert.deepEqual(Array.from(set.labels), Array(count).fill(category));
  assert.deepEqual(
    Array.from(set.images),
    expectedImages(files, names, category),
  );
}

Deno.test("loadCategoryData() round-trips the official layout", async (t) => {
  const dir = await Deno.makeTempDir();
  const files = fixtureBatches();
  const archive = await writeArchive(dir, files);
  const folder = await writeFolder(dir, files);
  await t.step(
    "archive: category 7, NHWC / 256, sha256 of the archive bytes",
    async () => {
      const data = await loadCategoryData({
        data: archive,
        cacheDir: `${dir}/cache`,
      });
      checkRoundTrip(data.train, files, TRAIN, 7);
      checkRoundTrip(data.val, files, ["test_batch.bin"], 7);
      assert.equal(data.category, 7);
      assert.equal(data.categoryName, "horse");
      assert.equal(data.source.kind, "archive");
      assert.equal(data.source.synthetic, false);
      assert.equal(
        data.source.sha256,
        createHash("sha256").update(await Deno.readFile(archive)).digest("hex"),
      );
      assert.match(
        data.source.description,
        /archive .*cifar\.tar\.gz.*6 training and 2 validation images of category 7 \(horse\)/,
      );
    },
  );
  await t.step(
    "extracted folder: same images; sha256 of the six files in order",
    async () => {
      const data = await loadCategoryData({ data: folder, category: 3 });
      checkRoundTrip(data.train, files, TRAIN, 3);
      checkRoundTrip(data.val, files, ["test_batch.bin"], 3);
      assert.equal(data.categoryName, "cat");
      assert.equal(data.source.kind, "folder");
      const order = [...TRAIN, "test_batch.bin"].map((n) => files[n]);
      assert.equal(
        data.source.sha256,
        createHash("sha256").update(concat(order)).digest("hex"),
      );
    },
  );
  await t.step("a folder holding the .bin files directly", async () => {
    const data = await loadCategoryData({
      data: `${folder}/cifar-10-batches-bin`,
    });
    checkRoundTrip(data.train, files, TRAIN, 7);
  });
  await t.step(
    "COLOURLAB_DATA is used when no data option is given",
    async () => {
      const data = await withEnv(
        "COLOURLAB_DATA",
        archive,
        () => loadCategoryData({ cacheDir: `${dir}/cache` }),
      );
      assert.equal(data.source.path, archive);
    },
  );
  await t.step(
    "the cache in data/raw/ is read when nothing is given",
    async () => {
      await Deno.mkdir(`${dir}/cache/raw`, { recursive: true });
      await Deno.copyFile(archive, `${dir}/cache/raw/cifar-10-binary.tar.gz`);
      const data = await withEnv(
        "COLOURLAB_DATA",
        undefined,
        () => loadCategoryData({ cacheDir: `${dir}/cache` }),
      );
      assert.equal(data.source.kind, "cache");
      checkRoundTrip(data.train, files, TRAIN, 7);
    },
  );
  await t.step("a damaged cache says how to recover", async () => {
    await Deno.writeFile(
      `${dir}/cache/raw/cifar-10-binary.tar.gz`,
      new Uint8Array(50),
    );
    await assert.rejects(
      withEnv(
        "COLOURLAB_DATA",
        undefined,
        () => loadCategoryData({ cacheDir: `${dir}/cache` }),
      ),
      /cifar-10-binary\.tar\.gz: not a gzip file .*\(this is the cached copy: delete it to download again\)/,
    );
  });
  await t.step(
    "'synthetic' gives the synthetic set, marked as such",
    async () => {
      const data = await loadCategoryData({ data: "synthetic" });
      assert.equal(data.source.synthetic, true);
      assert.equal(data.source.kind, "synthetic");
    },
  );
  for (const format of ["gnutar", "pax"]) {
    await t.step(
      `an archive made by GNU tar (${format} format, long names)`,
      async () => {
        const path =
          new URL(`../fixtures/cifar_fixture_${format}.tar.gz`, import.meta.url)
            .pathname;
        const data = await loadCategoryData({ data: path });
        checkRoundTrip(data.train, files, TRAIN, 7);
        checkRoundTrip(data.val, files, ["test_batch.bin"], 7);
      },
    );
  }
  await t.step("class names", () => {
    assert.equal(CIFAR10_CLASSES.length, 10);
    assert.equal(CIFAR10_CLASSES[7], "horse");
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadCategoryData() names the file and the problem for bad input", async (t) => {
  const dir = await Deno.makeTempDir();
  const rejects = async (path: string, pattern: RegExp, category?: number) => {
    await assert.rejects(
      loadCategoryData({ data: path, category }),
      (e: Error) => {
        assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
        assert.match(e.message, pattern);
        return true;
      },
    );
  };
  const write = async (name: string, bytes: Uint8Array) => {
    await Deno.writeFile(`${dir}/${name}`, bytes);
    return `${dir}/${name}`;
  };
  const withFile = (name: string, data: Uint8Array) => ({
    ...fixtureBatches(),
    [name]: data,
  });
  await t.step("not gzip", async () => {
    const path = await write(
      "plain.tar.gz",
      new TextEncoder().encode("hello, not gzip"),
    );
    await rejects(path, /plain\.tar\.gz: not a gzip file/);
  });
  await t.step("gzip, but corrupt", async () => {
    const gz = gzipSync(tarBytes(officialLayout(fixtureBatches())));
    await rejects(
      await write("cut.tar.gz", gz.subarray(0, gz.length / 2)),
      /cut\.tar\.gz: gzip data is corrupt or truncated/,
    );
  });
  await t.step("gzip, but not tar", async () => {
    const junk = Uint8Array.from({ length: 4000 }, (_, i) => (i * 97) & 255);
    await rejects(
      await write("junk.tar.gz", gzipSync(junk)),
      /junk\.tar\.gz: not a tar archive/,
    );
  });
  await t.step("batch files missing from an archive: named", async () => {
    const files = fixtureBatches();
    delete files["data_batch_3.bin"];
    delete files["test_batch.bin"];
    await rejects(
      await writeArchive(dir, files, "partial.tar.gz"),
      /partial\.tar\.gz: CIFAR-10 batch files missing: data_batch_3\.bin, test_batch\.bin/,
    );
  });
  await t.step("batch files missing from a folder: named", async () => {
    const folder = await writeFolder(`${dir}`, fixtureBatches());
    await Deno.remove(`${folder}/cifar-10-batches-bin/data_batch_5.bin`);
    await rejects(
      folder,
      /CIFAR-10 batch files missing: data_batch_5\.bin \(looked in/,
    );
  });
  await t.step("a size that is not a whole number of records", async () => {
    const bad = concat([
      fixtureBatches()["data_batch_2.bin"],
      new Uint8Array(5),
    ]);
    const path = await writeArchive(
      dir,
      withFile("data_batch_2.bin", bad),
      "size.tar.gz",
    );
    await rejects(
      path,
      /size\.tar\.gz:cifar-10-batches-bin\/data_batch_2\.bin: 6151 bytes is not a whole number of 3073-byte/,
    );
  });
  await t.step("a label byte above 9", async () => {
    const bad = fixtureBatches()["test_batch.bin"];
    bad[3073 * 2] = 12;
    const path = await writeArchive(
      dir,
      withFile("test_batch.bin", bad),
      "label.tar.gz",
    );
    await rejects(
      path,
      /test_batch\.bin: record 2 has label byte 12 \(CIFAR-10 labels are 0\.\.9\)/,
    );
  });
  await t.step("no image of the chosen category", async () => {
    const path = await writeArchive(dir, fixtureBatches(), "ok.tar.gz");
    await rejects(
      path,
      /ok\.tar\.gz: no image of category 5 \(dog\) in the training batches/,
      5,
    );
    await rejects(
      path,
      /ok\.tar\.gz: no image of category 9 \(truck\) in the test_batch\.bin/,
      9,
    );
  });
  await t.step("a path that does not exist", async () => {
    await rejects(
      `${dir}/nowhere.tar.gz`,
      /nowhere\.tar\.gz: no such file or folder \(given by the data option\)/,
    );
  });
  await t.step("a category that is not a label", async () => {
    await assert.rejects(
      loadCategoryData({ data: "synthetic", category: 10 }),
      /category 10 is not a CIFAR-10 label/,
    );
  });
  await Deno.remove(dir, { recursive: true });
});
