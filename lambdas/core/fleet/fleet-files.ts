import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { RuleSetValidationError, type RuleCollection } from '../rules/problems';
import { createRuleSet, type RuleSet } from '../rules/rule-set';
import {
  ServiceFileSchema,
  TeamsFileSchema,
  type ServiceFile,
  type TeamsFile,
} from './fleet-file-schema';

/** A fleet file's path (as the person knows it) and its text. */
export interface FleetSource {
  readonly path: string;
  readonly text: string;
}

export interface FleetSources {
  readonly teams: FleetSource;
  readonly services: readonly FleetSource[];
}

/** One problem in a fleet, at the file, line and column a person should look at. */
export interface FleetProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class FleetValidationError extends Error {
  override readonly name = 'FleetValidationError';
  constructor(
    readonly problems: readonly FleetProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the fleet:\n` +
        problems.map(formatFleetProblem).join('\n'),
      options,
    );
  }
}

export function formatFleetProblem(problem: FleetProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

type YamlPath = readonly (string | number)[];

/** Where a rule came from: its file, the YAML path of the rule and of each of its fields. */
interface Origin {
  readonly source: ParsedFile;
  readonly path: YamlPath;
  readonly fields: Readonly<Record<string, YamlPath>>;
  /** Fields not in `fields` are written under `path` as they are named (`rateLimits.0.limit`). */
  readonly nested?: boolean;
}

interface ParsedFile {
  readonly path: string;
  readonly document: Document;
  readonly lines: LineCounter;
}

/**
 * Turns fleet files into a rule set. Every problem (YAML syntax, unknown keys, bad names,
 * unknown services, duplicates...) is reported with its file, line and column; if there is
 * any, `FleetValidationError` lists them all and no rule set is returned.
 */
export function parseFleet(sources: FleetSources, version = 0): RuleSet {
  const problems: FleetProblem[] = [];
  const teamsFile = readFile(sources.teams, TeamsFileSchema, problems);
  const serviceFiles = sources.services.map((source) =>
    readFile(source, ServiceFileSchema, problems),
  );
  if (problems.length > 0) throw new FleetValidationError(problems);

  const origins: Record<RuleCollection, Origin[]> = {
    services: [],
    teams: [],
    ingress: [],
    egress: [],
    grants: [],
    edgeRules: [],
  };
  const input = {
    version,
    services: [] as unknown[],
    teams: [] as unknown[],
    ingress: [] as unknown[],
    egress: [] as unknown[],
    grants: [] as unknown[],
    edgeRules: [] as unknown[],
  };
  const add = (collection: RuleCollection, item: unknown, origin: Origin) => {
    input[collection].push(item);
    origins[collection].push(origin);
  };

  const [teamsSource, teams] = teamsFile as [ParsedFile, TeamsFile];
  teams.teams.forEach((team, i) =>
    add('teams', team, {
      source: teamsSource,
      path: ['teams', i],
      fields: { name: ['teams', i, 'name'], group: ['teams', i, 'group'] },
    }),
  );
  for (const parsed of serviceFiles) {
    const [source, file] = parsed as [ParsedFile, ServiceFile];
    addService(source, file, add);
  }

  try {
    return createRuleSet(input);
  } catch (error) {
    if (!(error instanceof RuleSetValidationError)) throw error;
    throw new FleetValidationError(
      sortByPosition(
        error.problems.map((problem) => {
          const { collection, index, field } = problem.at;
          const origin = collection === 'version' ? undefined : origins[collection][index];
          if (origin === undefined)
            return { file: sources.teams.path, line: 1, column: 1, message: problem.message };
          const fieldPath =
            field === undefined
              ? undefined
              : (origin.fields[field] ??
                (origin.nested === true
                  ? [...origin.path, ...field.split('.').map(yamlKey)]
                  : origin.fields[field.split('.')[0] ?? '']));
          const first =
            problem.duplicateOf === undefined
              ? undefined
              : origins[collection as RuleCollection][problem.duplicateOf];
          const firstAt = first && locate(first.source, first.path, '');
          const message = firstAt
            ? `${problem.message} (first at ${firstAt.file}:${firstAt.line})`
            : problem.message;
          return locate(origin.source, fieldPath ?? origin.path, message);
        }),
      ),
      { cause: error },
    );
  }
}

type AddRule = (collection: RuleCollection, item: unknown, origin: Origin) => void;

function addService(source: ParsedFile, file: ServiceFile, add: AddRule): void {
  const name = file.service;
  add(
    'services',
    {
      name,
      namespace: file.namespace ?? defaultNamespace(name),
      team: file.team,
      tier: file.tier,
      isolation: file.isolation,
      labels: file.labels,
      ...(file.workloadGroup !== undefined ? { workloadGroup: file.workloadGroup } : {}),
    },
    {
      source,
      path: ['service'],
      fields: {
        name: ['service'],
        namespace: ['namespace'],
        team: ['team'],
        tier: ['tier'],
        isolation: ['isolation'],
        labels: ['labels'],
        workloadGroup: ['workloadGroup'],
      },
    },
  );
  file.callers.forEach((caller, i) => {
    const isObject = typeof caller !== 'string';
    add(
      'ingress',
      {
        from: isObject ? caller.service : caller,
        to: name,
        ports: isObject ? caller.ports.map((p) => (typeof p === 'number' ? { port: p } : p)) : [],
      },
      {
        source,
        path: ['callers', i],
        fields: {
          from: isObject ? ['callers', i, 'service'] : ['callers', i],
          to: ['service'],
          ports: ['callers', i, 'ports'],
        },
      },
    );
  });
  file.egress.forEach((egress, i) => {
    const rule = typeof egress === 'string' ? splitHostPort(egress) : egress;
    add(
      'egress',
      { service: name, ...rule },
      {
        source,
        path: ['egress', i],
        fields: { service: ['service'], host: ['egress', i], port: ['egress', i] },
      },
    );
  });
  file.grants.forEach((grant, i) => {
    add(
      'grants',
      { service: name, ...(typeof grant === 'string' ? { path: grant } : grant) },
      { source, path: ['grants', i], fields: { service: ['service'], path: ['grants', i] } },
    );
  });
  file.edgeRules.forEach((edge, i) => {
    add(
      'edgeRules',
      { ...edge, service: name },
      { source, path: ['edgeRules', i], fields: { service: ['service'] }, nested: true },
    );
  });
}

/** A dotted field path's part as a YAML path key: list positions are numbers. */
function yamlKey(part: string): string | number {
  return /^[0-9]+$/.test(part) ? Number(part) : part;
}

/** `host:443` -> {host, port}; anything else is left whole for the host check to judge. */
function splitHostPort(text: string): { host: string; port?: number } {
  const match = /^(.*):([0-9]{1,5})$/.exec(text);
  return match ? { host: match[1] ?? '', port: Number(match[2]) } : { host: text };
}

/** A service's namespace unless its file names one: `service.ledger` -> `service-ledger`. */
export function defaultNamespace(serviceName: string): string {
  return serviceName.replace(/\./g, '-');
}

function readFile<S extends z.ZodType>(
  source: FleetSource,
  schema: S,
  problems: FleetProblem[],
): [ParsedFile, z.output<S>] | undefined {
  const lines = new LineCounter();
  const document = parseDocument(source.text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const parsed: ParsedFile = { path: source.path, document, lines };
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      problems.push({
        file: source.path,
        line,
        column: col,
        message: `invalid YAML: ${firstLine(error.message)}`,
      });
    }
    return undefined;
  }
  const result = schema.safeParse(document.toJS());
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = path.length > 0 ? `${path.join('.')}: ` : '';
      problems.push(locate(parsed, path, `${where}${issue.message}`));
    }
    return undefined;
  }
  return [parsed, result.data];
}

/** The position of the deepest node on `path` that exists (a missing key points at its map). */
function locate(file: ParsedFile, path: YamlPath, message: string): FleetProblem {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = file.document.getIn(path.slice(0, depth), true) as
      { range?: [number, number, number] } | undefined;
    const offset = depth === 0 ? (file.document.contents?.range?.[0] ?? 0) : node?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = file.lines.linePos(offset);
      return { file: file.path, line, column: col, message };
    }
  }
  return { file: file.path, line: 1, column: 1, message };
}

/** People read problems file by file, top to bottom. */
function sortByPosition(problems: FleetProblem[]): FleetProblem[] {
  return problems.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
