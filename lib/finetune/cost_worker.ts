/**
 * The worker process of the cost study (lib/finetune/cost_run.ts): measures
 * every point of one grid in this one process, reporting each as a JSON line
 * on stdout. It ends with its parent (stdin watch) and stops after the
 * current point on SIGINT.
 *
 *   deno run -A lib/finetune/cost_worker.ts SPEC_JSON
 *
 * @module
 */
import { initTf } from "../backend.ts";
import { watchParent } from "../cli/parent_watch.ts";
import { type CostPoint, runCostStudy } from "./cost_study.ts";
import type { CostSpec } from "./experiment.ts";

/** One line the worker writes. */
export type CostMessage =
  | { kind: "point"; point: CostPoint }
  | { kind: "error"; message: string };

/** Prefix of every message line (tfjs prints its own lines on stdout too). */
export const COST_PREFIX = "@colourlab-cost ";

function send(m: CostMessage): void {
  Deno.stdout.writeSync(
    new TextEncoder().encode(`${COST_PREFIX}${JSON.stringify(m)}\n`),
  );
}

async function main(json: string): Promise<number> {
  const spec = JSON.parse(json) as CostSpec;
  let stopped = false;
  Deno.addSignalListener("SIGINT", () => stopped = true);
  Deno.addSignalListener("SIGTERM", () => stopped = true);
  try {
    await initTf();
    const points = await runCostStudy({
      ...spec,
      onPoint: (point) => send({ kind: "point", point }),
      stop: () => stopped,
    });
    return points ? 0 : 130;
  } catch (e) {
    send({ kind: "error", message: (e as Error).message });
    return 1;
  }
}

if (import.meta.main) {
  watchParent();
  Deno.exit(await main(Deno.args[0]));
}
