import assert from "node:assert/strict";
import { DataError } from "../../lib/data/errors.ts";
import { settleReportData } from "../../lib/report/report_data.ts";
import {
  firstLinePattern,
  indexAlarms,
  pageAlarms,
  syntheticUse,
} from "../../lib/report/synthetic_alarm.ts";
import { fixtureBatches, listFiles, writeArchive } from "../data/fixtures.ts";

/** A URL on which nothing listens: a port that was open a moment ago. */
async function deadUrl(): Promise<string> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x"),
  );
  await server.shutdown();
  return `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-report-data-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("settleReportData(): full mode never substitutes data", async (t) => {
  const url = await deadUrl();
  const download = { url, retryDelayMs: 1 };

  await t.step(
    "offline, nothing given or cached: the message, nothing written",
    () =>
      withDir(async (dir) => {
        await assert.rejects(
          settleReportData({ quick: false, projectDataDir: dir, download }),
          (e: Error) => {
            assert.ok(e instanceof DataError);
            assert.match(e.message, /^No CIFAR-10 data: none given/);
            assert.ok(e.message.includes(`could not reach ${url}`));
            assert.match(e.message, /Three ways on:/);
            return true;
          },
        );
        assert.deepEqual(await listFiles(dir), []);
      }),
  );

  await t.step(
    "CIFAR-10 given, no horse photos: Part C's message",
    () =>
      withDir(async (dir) => {
        const archive = await writeArchive(dir, fixtureBatches());
        await assert.rejects(
          settleReportData({
            quick: false,
            data: archive,
            projectDataDir: `${dir}/data`,
            download,
          }),
          (e: Error) => {
            assert.ok(e instanceof DataError);
            assert.match(e.message, /^No Weizmann horse photos for Part C/);
            assert.match(e.message, /--weizmann DIR/);
            assert.match(e.message, /weizmann-horse-database/);
            assert.match(e.message, /COLOURLAB_WEIZMANN=synthetic/);
            return true;
          },
        );
      }),
  );

  await t.step(
    "a folder that is not the Weizmann layout",
    () =>
      withDir(async (dir) => {
        const archive = await writeArchive(dir, fixtureBatches());
        await assert.rejects(
          settleReportData({
            quick: false,
            data: archive,
            weizmann: dir,
            projectDataDir: `${dir}/data`,
          }),
          /not the Weizmann layout \(expected photos in rgb\/, horse\/, images\/ and masks in mask\/\)/,
        );
      }),
  );

  await t.step(
    "both given: passed on, absolute, nothing synthetic",
    () =>
      withDir(async (dir) => {
        const archive = await writeArchive(dir, fixtureBatches());
        await Deno.mkdir(`${dir}/horses/rgb`, { recursive: true });
        await Deno.mkdir(`${dir}/horses/mask`);
        const settled = await settleReportData({
          quick: false,
          data: archive,
          weizmann: `${dir}/horses`,
          projectDataDir: `${dir}/data`,
        });
        assert.equal(settled.data, archive);
        assert.equal(settled.weizmann, `${dir}/horses`);
        assert.equal(settled.synthetic, false);
        assert.equal(settled.syntheticShapes, false);
      }),
  );

  await t.step(
    "--data synthetic: the offline demonstration, said loudly",
    () =>
      withDir(async (dir) => {
        const settled = await settleReportData({
          quick: false,
          data: "synthetic",
          projectDataDir: dir,
        });
        assert.equal(settled.data, "synthetic");
        assert.equal(settled.weizmann, "synthetic");
        assert.ok(settled.synthetic && settled.syntheticShapes);
        assert.match(
          settled.notes.join("\n"),
          /SYNTHETIC DATA, NOT CIFAR-10 \(as asked\)/,
        );
        assert.match(
          settled.notes.join("\n"),
          /SYNTHETIC SHAPES, NOT THE WEIZMANN HORSE PHOTOS/,
        );
      }),
  );

  await t.step(
    "quick mode offline: synthetic, saying why",
    () =>
      withDir(async (dir) => {
        const settled = await settleReportData({
          quick: true,
          projectDataDir: dir,
          download,
        });
        assert.equal(settled.data, "synthetic");
        assert.match(
          settled.notes[0],
          /^SYNTHETIC DATA, NOT CIFAR-10 \(no CIFAR-10 data: could not reach/,
        );
        assert.deepEqual(await listFiles(dir), []);
      }),
  );
});

Deno.test("synthetic alarms: from the recorded context to the first line", () => {
  const colour = syntheticUse({ synthetic: true, data: "SYNTHETIC data" });
  const partC = syntheticUse({
    "pre-training synthetic": false,
    "segmentation synthetic": true,
  });
  const real = syntheticUse({ synthetic: false, data: "CIFAR-10 archive" });
  assert.deepEqual(colour, { cifar: true, shapes: false });
  assert.deepEqual(partC, { cifar: false, shapes: true });
  assert.deepEqual(real, { cifar: false, shapes: false });
  assert.match(pageAlarms(colour)[0], /^SYNTHETIC DATA, NOT CIFAR-10: /);
  assert.deepEqual(pageAlarms(real), []);
  assert.ok(firstLinePattern(colour)!.test(pageAlarms(colour)[0]));
  assert.ok(firstLinePattern(partC)!.test(pageAlarms(partC)[0]));
  assert.equal(firstLinePattern(real), undefined);
  assert.deepEqual(
    indexAlarms(real, [
      { name: "01_a", use: real },
      { name: "06_b", use: { cifar: true, shapes: true } },
    ]),
    [
      "SYNTHETIC DATA, NOT CIFAR-10 in 06_b.",
      "SYNTHETIC SHAPES, NOT THE WEIZMANN HORSE PHOTOS in 06_b.",
    ],
  );
});
