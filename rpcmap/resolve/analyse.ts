import type { Evidence, Pattern } from '../model';
import { classifyCall } from './calls';
import { evaluate, hasParam, knownPrefix, substitute, type Scope, type Str } from './evaluate';
import type { Finding } from './findings';
import type { FuncUnit, Program } from './program';
import { resolveTarget, type TargetContext, type TargetSpec } from './targets';

/** Bump when what the analysis finds from the same facts changes: cached findings are dropped. */
export const ANALYSIS_VERSION = 1;

/** A call a function makes, directly or through the functions it calls. */
interface Effect {
  readonly pattern: Pattern;
  readonly target: TargetSpec;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly via?: string;
  /** drop it when it cannot be resolved: a dial a client constructor already accounts for */
  readonly optional: boolean;
}

/**
 * Finds the calls to services and hosts that the functions of the packages in `dirs` make,
 * following clients built in one function or package and used in another, and attributes each
 * to the service whose (non-generated) code makes it. Shared packages and generated code are
 * never callers by themselves: their calls count where a service's code uses them. What a
 * package yields depends only on its own facts and those of the packages it imports, so a
 * rescan analyses again only the packages a change can reach.
 */
export function analysePackages(
  program: Program,
  dirs: Iterable<string>,
  context: TargetContext,
): Map<string, Finding[]> {
  const effects = new EffectIndex();
  const found = new Map<string, Finding[]>();
  for (const dir of dirs) {
    const pkg = program.unit(dir);
    const service = pkg?.service;
    const findings: Finding[] = [];
    found.set(dir, findings);
    if (pkg === undefined || service === undefined) continue;
    for (const func of pkg.functions) {
      if (func.file.facts.generated) continue;
      for (const effect of effects.of(func)) {
        if (targetHasParam(effect.target)) continue;
        const resolution = resolveTarget(effect.target, service, context);
        if (resolution.kind === 'unresolved' && effect.optional) continue;
        // A service calling itself (health checks, its own URL) is not an edge.
        if (resolution.kind === 'service' && resolution.service === service) continue;
        findings.push({ from: service, resolution, evidence: evidenceOf(effect) });
      }
    }
  }
  return found;
}

class EffectIndex {
  private readonly memo = new Map<FuncUnit, readonly Effect[]>();
  private readonly active = new Set<FuncUnit>();

  of(func: FuncUnit): readonly Effect[] {
    const known = this.memo.get(func);
    if (known !== undefined) return known;
    // A recursive call adds nothing its own frame does not already find.
    if (this.active.has(func)) return [];
    this.active.add(func);
    const effects = this.compute(func);
    this.active.delete(func);
    this.memo.set(func, effects);
    return effects;
  }

  private compute(func: FuncUnit): Effect[] {
    const effects: Effect[] = [];
    const sites = func.facts.c;
    if (sites.length === 0) return effects;
    const consumed = new Set<number>();
    const kinds = sites.map((_, index) => classifyCall(func, index));
    for (const kind of kinds) {
      if (kind?.kind === 'target' && kind.consumes !== undefined) consumed.add(kind.consumes);
    }
    kinds.forEach((kind, index) => {
      const site = sites[index];
      if (kind === undefined || site === undefined) return;
      const at = { file: func.file.path, line: site.line, column: site.col };
      if (kind.kind === 'target') {
        effects.push({
          pattern: kind.pattern,
          target: kind.target,
          ...at,
          optional: consumed.has(index),
        });
        return;
      }
      const callee = kind.callee;
      if (callee === func) return;
      const calleeEffects = this.of(callee);
      if (calleeEffects.length === 0) return;
      const calleePkg = callee.file.pkg;
      // Calls a function of the same service makes are reported where they are made; only
      // the ones that depend on the arguments are completed here.
      const sameService =
        calleePkg.service !== undefined &&
        calleePkg.service === func.file.pkg.service &&
        !callee.file.facts.generated;
      let args: Str[] | undefined;
      for (const effect of calleeEffects) {
        const open = targetHasParam(effect.target);
        if (sameService && !open) continue;
        if (open) {
          const scope: Scope = { file: func.file, func };
          args ??= site.a.map((arg) => evaluate(arg, scope));
        }
        effects.push({
          pattern: effect.pattern,
          target: open ? substituteTarget(effect.target, args ?? []) : effect.target,
          ...at,
          via: effect.via ?? `${calleePkg.dir === '' ? '.' : calleePkg.dir}.${callee.facts.n}`,
          optional: effect.optional,
        });
      }
    });
    return effects;
  }
}

/**
 * Whether a target depends on the function's parameters: then the function's callers complete
 * it. A URL whose host is known (`"http://service.fx-rates/rates/" + currency`) does not.
 */
function targetHasParam(target: TargetSpec): boolean {
  if (target.kind === 'service') return false;
  const open =
    hasParam(target.value) &&
    !(
      target.kind === 'url' &&
      /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(knownPrefix(target.value))
    );
  return open || (target.fallback ? targetHasParam(target.fallback) : false);
}

function substituteTarget(target: TargetSpec, args: readonly Str[]): TargetSpec {
  if (target.kind === 'service') return target;
  return {
    kind: target.kind,
    value: substitute(target.value, args),
    ...(target.fallback ? { fallback: substituteTarget(target.fallback, args) } : {}),
  };
}

function evidenceOf(effect: Effect): Evidence {
  return {
    file: effect.file,
    line: effect.line,
    column: effect.column,
    snippet: '',
    pattern: effect.pattern,
    ...(effect.via ? { via: effect.via } : {}),
  };
}
