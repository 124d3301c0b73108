/**
 * An error the local AWS endpoint answers with, in the terms of the service: its code (the
 * `__type` or `<Code>` the SDK turns into an exception class), an HTTP status and a message.
 */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}
