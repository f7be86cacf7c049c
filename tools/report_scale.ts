/**
 * How the full report's time scales with cores, predicted from what one
 * report measured: each training run's time on one thread (run.json
 * `timings.trainSeconds`, the runs the notebooks asked for) scheduled longest
 * first on N single-thread workers, plus what the notebooks spend outside
 * training (each notebook's time in summary.json minus its runs' share,
 * which runs on the cores left).
 *
 *   deno run -A tools/report_scale.ts REPORT_DIR [CACHE_DIR]
 *
 * @module
 */
import { listRuns } from "../lib/run/find.ts";

/** Wall time of list scheduling (longest first) of `jobs` seconds on `workers` lanes. */
export function longestFirst(jobs: number[], workers: number): number {
  const lanes = new Array(workers).fill(0);
  for (const t of [...jobs].sort((a, b) => b - a)) {
    lanes.sort((a, b) => a - b);
    lanes[0] += t;
  }
  return Math.max(...lanes);
}

if (import.meta.main) {
  const [reportDir, cacheDir = "data"] = Deno.args;
  const summary = JSON.parse(
    await Deno.readTextFile(`${reportDir}/summary.json`),
  );
  const runs = (await listRuns(`${cacheDir}/runs`)).filter((r) =>
    r.json.config.task === "colourization" &&
    r.json.config.limitTrain === null
  );
  const times = runs.map((r) => r.json.timings.trainSeconds);
  const training = times.reduce((a, b) => a + b, 0);
  const notebooks = summary.pages.reduce(
    (s: number, p: { seconds?: number }) => s + (p.seconds ?? 0),
    0,
  );
  console.log(
    `${runs.length} full colourization runs, ${
      (training / 60).toFixed(1)
    } min of one-thread training in all; report wall ${
      (summary.seconds / 60).toFixed(1)
    } min`,
  );
  console.log("| cores | predicted training wall (min) |");
  console.log("| ---: | ---: |");
  for (const n of [1, 2, 4, 8, 16]) {
    console.log(`| ${n} | ${(longestFirst(times, n) / 60).toFixed(1)} |`);
  }
  console.log(
    `notebook time summed over pages: ${(notebooks / 60).toFixed(1)} min`,
  );
}
