import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  compileFilterPattern,
  UnsupportedFilterPatternError,
  type LogFilter,
} from './filter-pattern';

export interface SubscriptionFilterConfig {
  readonly name: string;
  readonly logGroupName: string;
  readonly pattern: string;
  readonly destinationArn: string;
}

/**
 * The log groups that matter locally: API access logs, and the subscription filters that send
 * matching lines to a function as CloudWatch Logs would (gzipped, base64, `awslogs.data`).
 */
export class LocalLogs {
  private readonly lines = new Map<string, string[]>();
  private readonly filters: { config: SubscriptionFilterConfig; matches: LogFilter }[];
  /** Filters the runtime cannot run, for the start-up report. */
  readonly unsupported: string[] = [];

  constructor(
    filters: readonly SubscriptionFilterConfig[],
    private readonly deliver: (functionArn: string, event: unknown) => void,
    private readonly accountId: string,
  ) {
    this.filters = filters.flatMap((config) => {
      try {
        return [{ config, matches: compileFilterPattern(config.pattern) }];
      } catch (error) {
        if (!(error instanceof UnsupportedFilterPatternError)) throw error;
        this.unsupported.push(
          `subscription filter ${config.name}: ${error.message}; it delivers nothing`,
        );
        return [];
      }
    });
  }

  write(logGroupName: string, message: string): void {
    const lines = this.lines.get(logGroupName) ?? [];
    lines.push(message);
    this.lines.set(logGroupName, lines);
    const timestamp = Date.now();
    for (const { config, matches } of this.filters) {
      if (config.logGroupName !== logGroupName || !matches(message)) continue;
      const payload = {
        messageType: 'DATA_MESSAGE',
        owner: this.accountId,
        logGroup: logGroupName,
        logStream: 'local',
        subscriptionFilters: [config.name],
        logEvents: [{ id: randomUUID(), timestamp, message }],
      };
      this.deliver(config.destinationArn, {
        awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') },
      });
    }
  }

  read(logGroupName: string): readonly string[] {
    return this.lines.get(logGroupName) ?? [];
  }
}
