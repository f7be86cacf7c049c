import assert from "node:assert/strict";
import { parseFineTuneArgs } from "../../lib/cli/finetune_args.ts";
import { fineTuneCommand } from "../../lib/cli/finetune_launch.ts";

Deno.test("parseFineTuneArgs(): defaults, --quick, and bad values", () => {
  assert.deepEqual(parseFineTuneArgs([]), {
    quick: false,
    data: undefined,
    pretrainData: undefined,
    size: 32,
    seeds: 3,
    out: "runs/finetune",
  });
  const quick = parseFineTuneArgs([
    "--quick",
    "--data",
    "/x/horses",
    "--out",
    "o",
  ]);
  assert.ok(quick !== "help");
  assert.equal(quick.seeds, 1);
  assert.equal(quick.pretrainData, "synthetic");
  assert.equal(quick.data, "/x/horses");
  const sized = parseFineTuneArgs([
    "--size",
    "32",
    "--seeds",
    "2",
    "--pretrain-data",
    "a.tar.gz",
  ]);
  assert.ok(sized !== "help");
  assert.equal(sized.size, 32);
  assert.equal(sized.seeds, 2);
  assert.equal(sized.pretrainData, "a.tar.gz");
  assert.equal(parseFineTuneArgs(["--help"]), "help");
  assert.throws(() => parseFineTuneArgs(["--size", "0"]), /--size/);
  assert.throws(() => parseFineTuneArgs(["--seeds", "1.5"]), /--seeds/);
  assert.throws(() => parseFineTuneArgs(["--bogus"]));
});

Deno.test("fineTuneCommand(): narrow permissions, never -A", async () => {
  const env = (_: string) => undefined;
  const cmd = await fineTuneCommand(
    ["--quick", "--data", "/srv/horses", "--out", "/tmp/ft_out"],
    { env },
  );
  assert.ok(!cmd.includes("-A") && !cmd.includes("--allow-all"));
  const flag = (kind: string) =>
    cmd.find((a) => a.startsWith(`--allow-${kind}=`));
  assert.match(flag("read")!, /\/srv\/horses/);
  const write = flag("write")!.slice("--allow-write=".length).split(",");
  assert.equal(write.length, 2);
  assert.ok(write.some((w) => w.endsWith("/data")));
  assert.ok(write.includes("/tmp/ft_out"));
  // Synthetic pre-training data with --quick: no network at all.
  assert.equal(flag("net"), undefined);
  assert.ok(cmd.some((a) => a.endsWith("lib/cli/finetune.ts")));
  const full = await fineTuneCommand(["--out", "/tmp/ft_out"], { env });
  assert.match(
    full.find((a) => a.startsWith("--allow-net="))!,
    /www\.cs\.toronto\.edu/,
  );
});
