/**
 * The models, BatchNorm, loss and Adam against PyTorch itself: the handout's
 * networks written in PyTorch (fixtures/torch_handout.py) start from our
 * initial weights and take the same Adam steps on the same batches. Skipped
 * where no python3 with torch is installed (COLOURLAB_TORCH_PYTHON names the
 * interpreter; default /usr/bin/python3).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { seededRng } from "../../lib/random.ts";
import { Adam } from "../../lib/train/adam.ts";
import { evaluate } from "../../lib/train/evaluate.ts";
import { pixelCrossEntropy } from "../../lib/train/loss.ts";

const PYTHON = Deno.env.get("COLOURLAB_TORCH_PYTHON") ?? "/usr/bin/python3";
const SCRIPT = new URL("./fixtures/torch_handout.py", import.meta.url).pathname;

async function hasTorch(): Promise<boolean> {
  try {
    const r = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

const torchAvailable = await hasTorch();
if (torchAvailable) await initTf();

/** tfjs conv kernel [K, K, in, out] flattened in PyTorch's [out, in, K, K] order. */
function torchKernel(t: tf.Tensor): number[] {
  return Array.from(tf.tidy(() => tf.transpose(t, [3, 2, 0, 1])).dataSync());
}

function close(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  assert.ok(worst <= tol, `${what}: max difference ${worst} > ${tol}`);
}

for (const kind of ["cnn", "unet"] as const) {
  Deno.test({
    name: `${kind} trains like the PyTorch original`,
    ignore: !torchAvailable,
    fn: async () => {
      const size = 16, nf = 4, nc = 6, k = 3, n = 12, batch = 4, lr = 0.01;
      const model = (kind === "cnn" ? buildCnn : buildUNet)({
        numFilters: nf,
        numColours: nc,
        kernelSize: k,
        height: size,
        width: size,
        seed: 5,
      });
      const rng = seededRng(11);
      const x = Float32Array.from({ length: n * size * size }, () => rng());
      // labels that depend on the grey level, so the steps go somewhere
      const y = Uint8Array.from(x, (v) => Math.min(nc - 1, Math.floor(v * nc)));
      const convs = [1, 2, 3, 4, 5, 6].map((i) =>
        model.getLayer(`conv${i}`).getWeights()
      );
      const spec = {
        kind,
        k,
        nf,
        nc,
        size,
        lr,
        batch,
        x: Array.from(x),
        y: Array.from(y),
        convs: convs.map(([kernel, bias]) => ({
          kernel: torchKernel(kernel),
          bias: Array.from(bias.dataSync()),
        })),
      };
      const dir = await Deno.makeTempDir({ prefix: "colourlab_torch_" });
      try {
        await Deno.writeTextFile(`${dir}/in.json`, JSON.stringify(spec));
        const run = await new Deno.Command(PYTHON, {
          args: [SCRIPT, `${dir}/in.json`, `${dir}/out.json`],
          stderr: "piped",
        })
          .output();
        assert.ok(run.success, new TextDecoder().decode(run.stderr));
        const ref = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));

        const variables = model.trainableWeights.map((w) =>
          w.read() as tf.Variable
        );
        const adam = new Adam(variables, { learningRate: lr });
        const losses: number[] = [];
        for (let start = 0; start < n; start += batch) {
          const loss = tf.tidy(() => {
            const xb = tf.tensor4d(
              x.subarray(start * size * size, (start + batch) * size * size),
              [batch, size, size, 1],
            );
            const yb = tf.tensor3d(
              Int32Array.from(
                y.subarray(start * size * size, (start + batch) * size * size),
              ),
              [batch, size, size],
              "int32",
            );
            const { value, grads } = tf.variableGrads(
              () =>
                pixelCrossEntropy(
                  model.apply(xb, { training: true }) as tf.Tensor,
                  yb,
                ),
              variables,
            );
            adam.applyGradients(grads);
            return value;
          });
          losses.push(loss.dataSync()[0]);
          loss.dispose();
        }
        const val = await evaluate(model, x, y, {
          height: size,
          width: size,
          batchSize: 5,
        });
        const [, , runningMean, runningVar] = model.getLayer("bn1").getWeights()
          .map((w) => w.dataSync());

        close(losses, ref.trainLosses, 2e-5, "training losses");
        // The eval-mode loss inherits the conv-bias noise described below:
        // eval mode adds the biases in front of BatchNorm and subtracts the
        // running mean, which follows only a tenth of their +-lr steps. A
        // change of summation order alone (Winograd F(2x2) to F(4x4)) moved
        // it by 1.5e-4 here; a wrong kernel moves it by far more.
        close([val.loss], [ref.evalLoss], 5e-4, "eval-mode loss");
        // Near-tied logits of a barely trained model may break the other way.
        assert.ok(
          Math.abs(val.accuracy - ref.evalAccuracy) <= 0.01,
          `accuracy ${val.accuracy} vs ${ref.evalAccuracy}`,
        );
        // A conv bias followed by BatchNorm has a zero gradient in theory; Adam turns
        // its rounding noise into steps of +-lr, different in each framework. That
        // moves the running mean by up to momentum * 2 lr per step (opposite signs), nothing else.
        const steps = n / batch;
        close(
          runningMean,
          ref.bn1RunningMean,
          steps * 0.1 * 2 * lr,
          "bn1 running mean",
        );
        close(runningVar, ref.bn1RunningVar, 1e-5, "bn1 running variance");
        close(
          torchKernel(model.getLayer("conv6").getWeights()[0]),
          ref.conv6Kernel,
          1e-4,
          "conv6 weights after training",
        );
        adam.dispose();
        model.dispose();
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
