/**
 * The one error type of the data layer: bad archives, missing files, failed
 * downloads, bad palette files. Its message names the file and the problem,
 * so a command line can print `err.message` alone.
 *
 * @module
 */

/**
 * A problem with the user's data (not a bug): print its message, no stack.
 */
export class DataError extends Error {
  /** The file, folder or URL concerned, when there is one. */
  readonly path?: string;

  /** `opts.path`: the file concerned; `opts.cause`: the underlying error. */
  constructor(message: string, opts: { path?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "DataError";
    this.path = opts.path;
  }
}
