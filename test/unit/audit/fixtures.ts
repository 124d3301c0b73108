import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'audit');

/** A fixture from test/fixtures/audit, parsed; a fresh copy each call so tests may change it. */
export function auditFixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
}

/** The same fixture as the text an adapter receives. */
export function auditFixtureText(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}
