/**
 * The examples of AWS's EventBridge documentation, kept as fixtures under
 * test/fixtures/eventbridge/ (one file per page, each case naming its section): each pattern
 * must match every event the page (or its section) says it matches, and none of the events
 * beside them that change the one thing the pattern looks at.
 */
import contentFiltering from '../../../fixtures/eventbridge/content-filtering.json';
import eventPatterns from '../../../fixtures/eventbridge/event-patterns.json';
import nullValuesAndArrays from '../../../fixtures/eventbridge/null-values-and-arrays.json';
import {
  matchesEventPattern,
  parseEventPattern,
} from '../../../../local/eventbridge/event-pattern';

interface DocCase {
  readonly section: string;
  readonly pattern: unknown;
  readonly matches: readonly unknown[];
  readonly doesNotMatch: readonly unknown[];
}

/** One row per event, so a failure names the section and the event. */
function rows(cases: readonly DocCase[]) {
  return cases.flatMap((docCase) => [
    ...docCase.matches.map((event) => [docCase.section, event, true, docCase.pattern] as const),
    ...docCase.doesNotMatch.map(
      (event) => [docCase.section, event, false, docCase.pattern] as const,
    ),
  ]);
}

function itMatchesAsDocumented(cases: readonly DocCase[]): void {
  it.each(rows(cases))(
    '%s: given event %j, then the match is %s',
    (_section, event, expected, pattern) => {
      expect(matchesEventPattern(parseEventPattern(pattern), event)).toBe(expected);
    },
  );
}

// Page: "Amazon EventBridge event patterns"
describe(eventPatterns.page, () => {
  itMatchesAsDocumented(eventPatterns.cases);

  it('given the pattern as JSON text rather than parsed, then it behaves the same', () => {
    const [first] = eventPatterns.cases;
    const pattern = parseEventPattern(JSON.stringify(first?.pattern));
    expect(first?.matches.map((event) => matchesEventPattern(pattern, event))).toEqual([true]);
  });
});

// Pages: "Matching null values and empty strings in Amazon EventBridge event patterns" and
// "Arrays in Amazon EventBridge event patterns"
describe(nullValuesAndArrays.pages.join(' / '), () => {
  itMatchesAsDocumented(nullValuesAndArrays.cases);
});

// Page: "Content filtering in Amazon EventBridge event patterns" (now also titled "Comparison
// operators for use in event patterns in Amazon EventBridge"), section by section and the
// summary table's rows.
describe(contentFiltering.page, () => {
  itMatchesAsDocumented(contentFiltering.cases);

  it('given a key twice in one object, then only the last one counts (the note under "Complex example")', () => {
    const pattern = parseEventPattern(
      '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
    );
    expect(matchesEventPattern(pattern, { detail: { location: 'eu-west' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { location: 'us-east' } })).toBe(false);
  });
});
