import { MINUTE, findingOf, stringDetail, type Detection } from './detection';

interface RecentRefusals {
  /** Times of this person's refusals inside the window, oldest first. */
  readonly times: readonly string[];
  readonly eventIds: readonly string[];
}

const THRESHOLD = 5;
const WINDOW_MS = 10 * MINUTE;

/**
 * Five or more refusals for one person in ten minutes: probing, a stolen token, or someone
 * stuck. Callers without an identity are told apart by address, so a scan is one key.
 */
export function repeatedRefusals(): Detection<RecentRefusals> {
  const who = (e: Parameters<Detection['matches']>[0]) =>
    e.event.actor.kind === 'anonymous'
      ? `anonymous@${stringDetail(e, 'ip') ?? stringDetail(e, 'sourceIPAddress') ?? 'unknown'}`
      : e.event.actor.principal;
  const detection: Detection<RecentRefusals> = {
    name: 'repeated-refusals',
    severity: 'high',
    suppressionWindowMs: WINDOW_MS,
    description: `${THRESHOLD} or more refusals for one person within ten minutes.`,
    stateTtlMs: WINDOW_MS,
    matches: ({ event }) => event.outcome === 'denied',
    stateKey: who,
    evaluate: (enriched, state, now) => {
      const since = now.getTime() - WINDOW_MS;
      const kept = (state?.times ?? []).flatMap((time, index) =>
        Date.parse(time) >= since ? [[time, state!.eventIds[index] ?? '']] : [],
      );
      kept.push([enriched.event.time, enriched.event.id]);
      const next = { times: kept.map(([t]) => t!), eventIds: kept.map(([, id]) => id!) };
      if (kept.length < THRESHOLD) return { findings: [], state: next };
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: who(enriched),
            summary: `${who(enriched)} was refused ${kept.length} times in ten minutes (last: ${enriched.event.action})`,
            eventIds: next.eventIds,
            context: { refusals: kept.length },
          }),
        ],
        state: next,
      };
    },
  };
  return detection;
}
