import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { DeadLetterSchema, type DeadLetter } from '../../contracts/audit-ingest';

/** Where refused inputs go: never dropped, always with the original and the reason. */
export interface DeadLetterPort {
  send(letters: readonly DeadLetter[]): Promise<void>;
}

/** SQS's historical message limit (256 KiB); newer queues take more, this fits every queue. */
const MESSAGE_LIMIT_BYTES = 256 * 1024;
/** Characters of the original per piece, halved until a piece's message fits. */
const FIRST_PIECE_CHARS = 200_000;

/**
 * Sends each refused input to the ingest dead-letter queue as one JSON message. An input too
 * large for one message (a whole webhook body can be megabytes) is sent as its text in pieces
 * that share an id and say which piece of how many they are, so it can be put back together.
 */
export class SqsDeadLetters implements DeadLetterPort {
  constructor(
    private readonly deps: {
      readonly client: SQSClient;
      readonly queueUrl: string;
      readonly newId?: () => string;
    },
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters)
      for (const body of messagesOf(DeadLetterSchema.parse(letter), this.deps.newId ?? randomUUID))
        await this.deps.client.send(
          new SendMessageCommand({ QueueUrl: this.deps.queueUrl, MessageBody: body }),
        );
  }
}

/** The message bodies of one letter: itself, or its input's text in pieces that fit. */
export function messagesOf(letter: DeadLetter, newId: () => string): string[] {
  const whole = JSON.stringify(letter);
  if (Buffer.byteLength(whole) <= MESSAGE_LIMIT_BYTES) return [whole];
  const text = typeof letter.input === 'string' ? letter.input : JSON.stringify(letter.input);
  const id = newId();
  for (let size = FIRST_PIECE_CHARS; size >= 1_000; size = Math.floor(size / 2)) {
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
    const bodies = pieces.map((input, index) =>
      JSON.stringify({ ...letter, input, part: { id, index, of: pieces.length } }),
    );
    if (bodies.every((body) => Buffer.byteLength(body) <= MESSAGE_LIMIT_BYTES)) return bodies;
  }
  throw new RangeError('a dead letter could not be split into messages SQS accepts');
}
