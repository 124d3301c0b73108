/** A target could not apply or read its part of a bundle; `cause` is the AWS error, if any. */
export class TargetApplyError extends Error {
  override readonly name = 'TargetApplyError';
  constructor(
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${target}: ${message}`, options);
  }
}

/** Parses a bundle file the target owns; a file that is not JSON is a broken bundle, not a skip. */
export function parseBundleJson<T>(target: string, path: string, content: string): T {
  try {
    return JSON.parse(content) as T;
  } catch (cause) {
    throw new TargetApplyError(target, `bundle file ${path} is not JSON`, { cause });
  }
}

/** Counts the AWS calls an apply or read-back makes, for the per-stage figures. */
export class CallCounter {
  calls = 0;
  count<T>(call: () => Promise<T>): Promise<T> {
    this.calls += 1;
    return call();
  }
}
