import assert from "node:assert/strict";
import { PROJECT_ROOT, trainerCommand } from "../../lib/cli/launch.ts";
import {
  permissionFlags,
  trainPermissions,
} from "../../lib/cli/permissions.ts";
import { parseTrainArgs } from "../../lib/cli/train_args.ts";

const PROBE =
  new URL("./fixtures/permission_probe.ts", import.meta.url).pathname;
const BASE = [
  "--model",
  "cnn",
  "--epochs",
  "1",
  "--batch-size",
  "10",
  "--lr",
  "0.01",
];
const CTX = {
  projectRoot: "/p",
  npmCache: "/c/npm",
  env: (_: string) => undefined,
};
const DENIED = ["NotCapable", "PermissionDenied"];

Deno.test("trainer permissions", async (t) => {
  await t.step(
    "read the project, data and palette; write only data/ and --out",
    () => {
      const p = trainPermissions(
        parseTrainArgs([
          ...BASE,
          "--data",
          "/d/cifar.tar.gz",
          "--palette",
          "pal.npy",
          "--out",
          "runs/a",
        ]),
        CTX,
      );
      assert.deepEqual(p.read, [
        "/p",
        "/p/runs/a",
        "/d/cifar.tar.gz",
        "/p/pal.npy",
        "/c/npm/registry.npmjs.org/@tensorflow/tfjs-backend-wasm",
      ]);
      assert.deepEqual(p.write, ["/p/data", "/p/runs/a"]);
      assert.deepEqual(p.net, []); // local data: no network at all
      assert.deepEqual(p.ffi, [
        "/c/npm/registry.npmjs.org/@img",
        "/p/node_modules/@img",
      ]);
      const flags = permissionFlags(p);
      assert.ok(
        !flags.some((f) =>
          f === "-A" || f === "--allow-all" || /^--allow-[a-z]+$/.test(f)
        ),
        flags.join(" "),
      );
    },
  );

  await t.step(
    "the network only when data may be downloaded, only to its host",
    () => {
      const args = parseTrainArgs([...BASE, "--out", "/o"]);
      assert.deepEqual(trainPermissions(args, CTX).net, ["www.cs.toronto.edu"]);
      const env = (
        name: string,
      ) => (name === "COLOURLAB_CIFAR_URL"
        ? "http://127.0.0.1:8123/c.tar.gz"
        : undefined);
      assert.deepEqual(trainPermissions(args, { ...CTX, env }).net, [
        "127.0.0.1:8123",
      ]);
      const fromEnv = (
        name: string,
      ) => (name === "COLOURLAB_DATA" ? "/x/batches" : undefined);
      const withEnvData = trainPermissions(args, { ...CTX, env: fromEnv });
      assert.deepEqual(withEnvData.net, []);
      assert.ok(withEnvData.read.includes("/x/batches"));
      assert.deepEqual(
        trainPermissions(
          parseTrainArgs([...BASE, "--data", "synthetic", "--out", "/o"]),
          CTX,
        ).net,
        [],
      );
    },
  );

  await t.step(
    "deno task train goes through the launcher, never with -A",
    async () => {
      const config = JSON.parse(
        await Deno.readTextFile(`${PROJECT_ROOT}/deno.json`),
      );
      const task: string = config.tasks.train;
      assert.match(task, /lib\/cli\/launch\.ts/);
      assert.doesNotMatch(
        task,
        /\s-A\b|--allow-all|--allow-(read|write|net|ffi)\b/,
      );
    },
  );

  await t.step(
    "a process with the trainer's permissions cannot write or read outside them",
    async () => {
      const tmp = await Deno.makeTempDir({ prefix: "colourlab_perm_" });
      try {
        const out = `${tmp}/run`;
        const outside = `${tmp}/outside`;
        await Deno.mkdir(out);
        await Deno.mkdir(outside);
        await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
        const command = await trainerCommand([
          ...BASE,
          "--data",
          "synthetic",
          "--out",
          out,
        ], {
          script: PROBE,
          env: () => undefined,
        });
        // The command is the launcher's own, with the probe in the trainer's place.
        assert.equal(command[command.indexOf(PROBE) + 1], "--model");
        const argsAt = command.indexOf(PROBE);
        const run = await new Deno.Command(Deno.execPath(), {
          args: [...command.slice(0, argsAt + 1), PROJECT_ROOT, out, outside],
          cwd: PROJECT_ROOT,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(run.stderr);
        assert.ok(run.success, stderr);
        const r = JSON.parse(new TextDecoder().decode(run.stdout));
        assert.equal(r.writeOut, "ok");
        assert.equal(r.writeCache, "ok");
        assert.equal(r.readProject, "ok");
        assert.equal(r.envOwn, "ok");
        for (
          const action of [
            "writeProject",
            "writeOutside",
            "readOutside",
            "removeOutside",
            "netOther",
            "run",
            "ffi",
            "envHome",
          ]
        ) {
          assert.ok(DENIED.includes(r[action]), `${action}: ${r[action]}`);
        }
        assert.notEqual(r.netDownloadHost, "granted"); // --data given: no network at all
        assert.equal(
          await Deno.readTextFile(`${outside}/secret.txt`),
          "secret",
        );
        assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), [
          "secret.txt",
        ]);
      } finally {
        await Deno.remove(tmp, { recursive: true });
      }
    },
  );
});
