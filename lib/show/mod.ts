/**
 * The `show` namespace: how a notebook shows what it found, and what it tells
 * the report. Importing it inside the Jupyter kernel also keeps the kernel
 * alive through Kernel > Interrupt (lib/show/interrupt.ts).
 *
 * @module
 */
import { keepKernelOnInterrupt } from "./interrupt.ts";

export {
  details,
  display,
  image,
  inJupyter,
  markdown,
  plot,
  table,
} from "./display.ts";
export { progress } from "./progress.ts";
export {
  context,
  type Headline,
  headline,
  type RunContext,
} from "./records.ts";
export type { MimeBundle, TableRow } from "./table.ts";

keepKernelOnInterrupt();
