/** One metric value as CloudWatch would extract it from an embedded-metric-format log line. */
export interface MetricDatum {
  readonly functionName: string;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit: string;
  readonly timestamp: number;
}

interface MetricDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

/**
 * CloudWatch's reading of the embedded metric format, for the local runtime: every JSON log
 * line a function prints with an `_aws.CloudWatchMetrics` directive becomes metric data, one
 * datum per metric, dimension set and value, as CloudWatch Logs would publish it. Other lines
 * are ignored, as CloudWatch ignores them. What the local runtime offers instead of
 * GetMetricData: the data, and sums by exact dimensions.
 */
export class LocalMetrics {
  private readonly data: MetricDatum[] = [];

  /** Reads one line a function printed. */
  record(functionName: string, line: string): void {
    if (!line.includes('"_aws"')) return;
    let root: Record<string, unknown>;
    try {
      root = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const aws = root._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
    if (aws === undefined || !Array.isArray(aws.CloudWatchMetrics)) return;
    const timestamp = typeof aws.Timestamp === 'number' ? aws.Timestamp : Date.now();
    for (const directive of aws.CloudWatchMetrics as MetricDirective[]) {
      if (typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
      const sets = Array.isArray(directive.Dimensions) ? (directive.Dimensions as unknown[]) : [];
      // An empty Dimensions array publishes the metrics without dimensions.
      const dimensionSets = sets.length === 0 ? [[]] : sets;
      for (const set of dimensionSets) {
        if (!Array.isArray(set)) continue;
        const dimensions: Record<string, string> = {};
        for (const name of set) {
          const value = root[String(name)];
          if (typeof value !== 'string') continue;
          dimensions[String(name)] = value;
        }
        for (const metric of directive.Metrics as { Name?: unknown; Unit?: unknown }[]) {
          if (typeof metric.Name !== 'string') continue;
          for (const value of [root[metric.Name]].flat())
            if (typeof value === 'number')
              this.data.push({
                functionName,
                namespace: directive.Namespace,
                name: metric.Name,
                dimensions,
                value,
                unit: typeof metric.Unit === 'string' ? metric.Unit : 'None',
                timestamp,
              });
        }
      }
    }
  }

  /** Every datum so far. */
  all(): readonly MetricDatum[] {
    return this.data;
  }

  /** The sum of a metric with exactly these dimensions, as an alarm on it would see. */
  sum(namespace: string, name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    const wanted = JSON.stringify(Object.entries(dimensions).sort());
    return this.data
      .filter(
        (d) =>
          d.namespace === namespace &&
          d.name === name &&
          JSON.stringify(Object.entries(d.dimensions).sort()) === wanted,
      )
      .reduce((total, d) => total + d.value, 0);
  }
}
