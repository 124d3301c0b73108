import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { AUDIT_METRICS } from '../../contracts/audit-metrics';

/**
 * The pipeline's metrics carry only the dimensions named in AUDIT_METRICS (no `service`), so a
 * metric means the same whichever function emits it and the alarms' dimensions match exactly.
 */
const metrics = new Metrics({ namespace: AUDIT_METRICS.namespace });
metrics.clearDefaultDimensions();

/** Adds `count` to metric `name` for one `Source` (flushed at once, as one EMF line). */
export function countFor(
  name: string,
  dimension: { readonly name: string; readonly value: string },
  count: number,
): void {
  if (count <= 0) return;
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, count);
}

/** Adds `count` to metric `name` of source `source`. */
export const countBySource = (name: string, source: string, count: number) =>
  countFor(name, { name: AUDIT_METRICS.sourceDimension, value: source }, count);

/** Adds `count` to metric `name` with no dimension (the pipeline-wide figures). */
export function countTotal(name: string, count: number): void {
  if (count <= 0) return;
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  single.addMetric(name, MetricUnit.Count, count);
}
