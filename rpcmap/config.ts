import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** rpcmap.yaml is invalid: the message names the file and the field. */
export class RpcmapConfigError extends Error {
  override readonly name = 'RpcmapConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const NonEmpty = z.string().min(1, 'must not be empty');
const PathList = z.union([NonEmpty, z.array(NonEmpty).min(1, 'list at least one directory')]);

const ServiceEntrySchema = z.strictObject({
  name: NonEmpty,
  path: PathList,
  aliases: z.array(NonEmpty).default([]),
});

export const RpcmapConfigSchema = z.strictObject({
  /** services by directory; each directory's code (and everything below it) is the service's */
  services: z.array(ServiceEntrySchema).default([]),
  /** directory globs whose every match is a service named by the directory's own name */
  discover: z.array(NonEmpty).default(['**/service.*']),
  /** path globs never read */
  exclude: z.array(NonEmpty).default([]),
  /** what is left out unless asked for */
  include: z
    .strictObject({
      tests: z.boolean().default(false),
      vendor: z.boolean().default(false),
      mocks: z.boolean().default(false),
    })
    .default({ tests: false, vendor: false, mocks: false }),
  /** directories or files with Kubernetes manifests or compose files */
  manifests: z.array(NonEmpty).default([]),
  /** more names a service answers to: `{service.ledger: [ledger-v2]}` */
  aliases: z.record(NonEmpty, z.array(NonEmpty)).default({}),
  /** files larger than this are skipped with a warning */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
});

export type RpcmapConfig = z.output<typeof RpcmapConfigSchema>;

/** The configuration used when there is no rpcmap.yaml. */
export function defaultConfig(): RpcmapConfig {
  return RpcmapConfigSchema.parse({});
}

/**
 * Parses rpcmap.yaml text. Throws `RpcmapConfigError` naming the file and each bad field, so
 * the CLI can say exactly what to fix.
 */
export function parseConfig(text: string, file: string): RpcmapConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new RpcmapConfigError(`${file}: not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = RpcmapConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map((part, i) =>
        typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`,
      );
      return `${file}: ${field.join('') || '(top level)'}: ${issue.message}`;
    });
    throw new RpcmapConfigError(problems.join('\n'), { cause: parsed.error });
  }
  const names = new Set<string>();
  for (const [i, service] of parsed.data.services.entries()) {
    if (names.has(service.name)) {
      throw new RpcmapConfigError(
        `${file}: services[${i}].name: "${service.name}" is listed twice`,
      );
    }
    names.add(service.name);
    for (const path of [service.path].flat()) {
      if (path.startsWith('/') || path.split('/').includes('..')) {
        throw new RpcmapConfigError(
          `${file}: services[${i}].path: "${path}" must be relative to the scanned root, without ".."`,
        );
      }
    }
  }
  return parsed.data;
}
