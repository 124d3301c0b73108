import {
  MINUTE,
  findingOf,
  requestParameter,
  stringDetail,
  type Detection,
  type DetectionConfig,
} from './detection';

/** CloudTrail calls that blind the trail whatever trail they touch. */
const TRAIL_ACTIONS = new Set([
  'aws.cloudtrail.stop-logging',
  'aws.cloudtrail.delete-trail',
  'aws.cloudtrail.update-trail',
  'aws.cloudtrail.put-event-selectors',
]);
/** S3 calls that weaken the archive bucket's retention or protection. */
const BUCKET_ACTIONS = new Set([
  'aws.s3.put-bucket-policy',
  'aws.s3.delete-bucket-policy',
  'aws.s3.put-object-lock-configuration',
  'aws.s3.put-bucket-versioning',
  'aws.s3.put-bucket-lifecycle-configuration',
  'aws.s3.delete-bucket',
]);
/** EventBridge calls that stop the audit rules delivering. */
const RULE_ACTIONS = new Set([
  'aws.events.disable-rule',
  'aws.events.delete-rule',
  'aws.events.remove-targets',
  'aws.events.put-rule',
]);

/**
 * Anything that would stop or weaken the audit trail: CloudTrail stopped or changed, the
 * archive bucket's policy or Object Lock touched, an audit rule disabled. Denied attempts
 * count too: trying is the signal.
 */
export function auditTrailTampering(
  config: Pick<DetectionConfig, 'auditBuckets' | 'auditRules'>,
): Detection {
  const buckets = new Set(config.auditBuckets);
  const rules = new Set(config.auditRules);
  const touched = (enriched: Parameters<Detection['matches']>[0]): string | undefined => {
    const { action } = enriched.event;
    if (TRAIL_ACTIONS.has(action)) return enriched.event.target.id;
    if (BUCKET_ACTIONS.has(action)) {
      const bucket = requestParameter(enriched, 'bucketName');
      return typeof bucket === 'string' && buckets.has(bucket) ? bucket : undefined;
    }
    if (RULE_ACTIONS.has(action)) {
      const rule = requestParameter(enriched, 'name') ?? requestParameter(enriched, 'rule');
      return typeof rule === 'string' && rules.has(rule) ? rule : undefined;
    }
    return undefined;
  };
  const detection: Detection = {
    name: 'audit-trail-tampering',
    severity: 'critical',
    suppressionWindowMs: 15 * MINUTE,
    description: 'CloudTrail, the audit archive bucket or an audit rule was changed or stopped.',
    matches: (enriched) => touched(enriched) !== undefined,
    evaluate: (enriched) => {
      const { event } = enriched;
      const what = touched(enriched) ?? event.target.id;
      const attempted = event.outcome === 'success' ? '' : ` (attempted, ${event.outcome})`;
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${event.action}:${what}`,
            summary: `${event.actor.principal} called ${stringDetail(enriched, 'eventName') ?? event.action} on ${what}${attempted}`,
            context: { resource: what, account: event.details.account },
          }),
        ],
      };
    },
  };
  return detection;
}
