import assert from "node:assert/strict";
import { parseTrainArgs, UsageError } from "../../lib/cli/train_args.ts";

const BASE = [
  "--model",
  "unet",
  "--epochs",
  "25",
  "--batch-size",
  "100",
  "--lr",
  "0.001",
  "--out",
  "runs/x",
];

Deno.test("train command line", async (t) => {
  await t.step("the handout's defaults: only --model and --out needed", () => {
    assert.deepEqual(
      parseTrainArgs(["--model", "unet", "--out", "runs/x"]),
      parseTrainArgs(BASE),
    );
  });

  await t.step("required flags and defaults", () => {
    assert.deepEqual(parseTrainArgs(BASE), {
      model: "unet",
      numEpochs: 25,
      batchSize: 100,
      learningRate: 0.001,
      numFilters: 32,
      kernelSize: 3,
      seed: 0,
      data: undefined,
      palette: undefined,
      limitTrain: undefined,
      limitVal: undefined,
      resume: false,
      out: "runs/x",
    });
  });

  await t.step("every optional flag", () => {
    const args = parseTrainArgs([
      ...BASE,
      ...[
        "--nf",
        "16",
        "--kernel",
        "5",
        "--seed",
        "7",
        "--data",
        "synthetic",
        "--palette",
        "p.npy",
      ],
      ...["--limit-train", "500", "--limit-val", "50", "--resume"],
    ]);
    assert.equal(args.numFilters, 16);
    assert.equal(args.kernelSize, 5);
    assert.equal(args.seed, 7);
    assert.equal(args.data, "synthetic");
    assert.equal(args.palette, "p.npy");
    assert.equal(args.limitTrain, 500);
    assert.equal(args.limitVal, 50);
    assert.equal(args.resume, true);
  });

  await t.step("clear errors for bad command lines", () => {
    const without = (flag: string) => {
      const i = BASE.indexOf(flag);
      return [...BASE.slice(0, i), ...BASE.slice(i + 2)];
    };
    const cases: [string[], RegExp][] = [
      [without("--model"), /--model is required/],
      [without("--out"), /--out DIR is required/],
      [
        [...BASE, "--model", "resnet"],
        /^--model must be one of cnn, unet, unet_no_input_skip, got resnet$/,
      ],
      [
        [...BASE, "--epochs", "2.5"],
        /^--epochs must be a positive integer, got 2\.5$/,
      ],
      [
        [...BASE, "--epochs", "-1"],
        /^--epochs must be a positive integer, got -1$/,
      ],
      [
        [...BASE, "--batch-size", "0"],
        /^--batch-size must be a positive integer, got 0$/,
      ],
      [[...BASE, "--lr", "fast"], /^--lr must be a positive number, got fast$/],
      [
        [...BASE, "--lr", "-0.1"],
        /^--lr must be a positive number, got -0\.1$/,
      ],
      [[...BASE, "--lr=-1"], /--lr must be a positive number/],
      [[...BASE, "--seed", "-3"], /^--seed must be an integer >= 0, got -3$/],
      [
        [...BASE, "--limit-train", "x"],
        /^--limit-train must be a positive integer, got x$/,
      ],
      [[...BASE, "--colour", "red"], /Unknown option '--colour'/],
      [[...BASE, "stray"], /positional/i],
      [[...BASE, "--data", ""], /--data must not be empty/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseTrainArgs(argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    }
  });

  await t.step("--help asks for the usage text", () => {
    assert.throws(
      () => parseTrainArgs(["--help"]),
      (e: unknown) => e instanceof UsageError && e.message === "",
    );
  });
});
