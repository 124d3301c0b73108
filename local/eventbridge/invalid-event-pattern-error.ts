/** The words EventBridge puts before every reason it refuses a pattern. */
const PREFIX = 'Event pattern is not valid. Reason: ';

/**
 * A pattern EventBridge would refuse. The message is the one `InvalidEventPatternException`
 * carries (without the parser's "at [Source: ...]" position, which depends on Jackson), so a
 * person sees here what AWS would tell them; `location` says where in the pattern it went wrong.
 */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
  /** The reason alone, as EventBridge words it after "Reason: ". */
  readonly reason: string;
  /** Where in the pattern: a dotted path with array indexes, `(root)` for the whole pattern. */
  readonly location: string;

  constructor(reason: string, location: string, options?: { cause?: unknown }) {
    super(`${PREFIX}${reason}`, options);
    this.reason = reason;
    this.location = location;
  }
}
