/** Test helper: run a `deno task` of the project exactly as a user does. */
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";

/** What a finished task printed, and its exit code. */
export interface TaskResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `deno task --quiet TASK ARGS...` in the project root. */
export async function denoTask(
  task: string,
  args: string[],
): Promise<TaskResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", task, ...args],
    cwd: PROJECT_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}
