/**
 * The audit pipeline's own CloudWatch metrics (Powertools Metrics, embedded metric format),
 * shared by the functions that emit them and the alarms that watch them, so a renamed metric
 * cannot leave an alarm watching nothing.
 */
export const AUDIT_METRICS = {
  namespace: 'Ward/Audit',
  /** Events entering the pipeline, per source (`Source` dimension, see {@link metricSource}). */
  eventsIn: 'EventsIn',
  /** Events written to the archive (the archive's batcher emits it, with no dimension). */
  eventsArchived: 'EventsArchived',
  /** Inputs a normaliser refused and dead-lettered, per source. */
  normaliserRejects: 'NormaliserRejects',
  /**
   * Detections that threw on an event (the others still ran), per detection and once more
   * under `Detection` = {@link AUDIT_METRICS.allDetections}, which the alarm watches.
   */
  detectionErrors: 'DetectionErrors',
  allDetections: 'all',
  /** The `Source` dimension's name. */
  sourceDimension: 'Source',
  /** The `Detection` dimension's name. */
  detectionDimension: 'Detection',
} as const;

/**
 * Values of the `Source` dimension: one per source that should keep talking, each watched for
 * silence. `ward` counts Ward's own events (the heartbeat keeps it alive when nobody acts).
 */
export const metricSource = {
  ward: 'ward',
  cloudTrail: 'cloudtrail',
  registryStream: 'registry-stream',
  kubernetes: (cluster: string) => `k8s/${cluster}`,
} as const;
