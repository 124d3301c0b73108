import { defaultImportName } from '../extract/go-extractor';
import type { FileFacts, FuncFacts, Value } from '../extract/facts';

/** One analysed file, as the resolver sees it. */
export interface SourceFile {
  /** relative to the scanned root, `/`-separated */
  readonly path: string;
  readonly facts: FileFacts;
}

/** A Go module found in the tree (`go.mod`): import paths below it map to directories. */
export interface GoModule {
  readonly path: string;
  /** the module's directory, relative to the root (`''` for the root itself) */
  readonly dir: string;
}

export interface FileUnit {
  readonly path: string;
  readonly facts: FileFacts;
  readonly pkg: PackageUnit;
  /** local names of imports: the alias, or the imported package's name */
  readonly imports: Map<string, ImportTarget>;
}

export interface ImportTarget {
  readonly path: string;
  /** the package, when it is part of the scanned tree */
  readonly local?: PackageUnit;
}

export interface FuncUnit {
  readonly key: string;
  readonly facts: FuncFacts;
  readonly file: FileUnit;
  readonly locals: ReadonlyMap<string, Value>;
  readonly params: ReadonlyMap<string, number>;
}

export interface PackageUnit {
  readonly dir: string;
  name: string;
  /** the service whose tree holds this package, if any */
  readonly service: string | undefined;
  readonly files: FileUnit[];
  readonly decls: Map<string, { readonly value: Value; readonly file: FileUnit }>;
  readonly fields: Map<string, { readonly value: Value; readonly file: FileUnit }[]>;
  readonly funcs: Map<string, FuncUnit>;
  /** `helper(&x.f, ...)`: field `f` may be written by `helper` through that argument */
  readonly outArgs: Map<
    string,
    { readonly caller: FuncUnit; readonly site: number; readonly arg: number }[]
  >;
}

export interface Program {
  readonly packages: ReadonlyMap<string, PackageUnit>;
  readonly functions: readonly FuncUnit[];
}

/**
 * Groups files into packages (one per directory), maps import paths to the packages of the
 * tree (through `go.mod` module paths, or by path suffix when there is none), and indexes each
 * package's declarations, fields and functions. Pure: files in, an index out.
 */
export function buildProgram(
  files: readonly SourceFile[],
  modules: readonly GoModule[],
  serviceOfDir: (dir: string) => string | undefined,
): Program {
  const packages = new Map<string, PackageUnit>();
  const pending: { file: SourceFile; pkg: PackageUnit }[] = [];
  for (const file of files) {
    const dir = dirOf(file.path);
    let pkg = packages.get(dir);
    if (pkg === undefined) {
      pkg = {
        dir,
        name: file.facts.pkg,
        service: serviceOfDir(dir),
        files: [],
        decls: new Map(),
        fields: new Map(),
        funcs: new Map(),
        outArgs: new Map(),
      };
      packages.set(dir, pkg);
    }
    // `main` or an external test package must not rename a library package.
    if (pkg.name === 'main' || pkg.name.endsWith('_test')) pkg.name = file.facts.pkg;
    pending.push({ file, pkg });
  }
  const lookup = importLookup(packages, modules);
  const functions: FuncUnit[] = [];
  for (const { file, pkg } of pending) {
    const unit: FileUnit = {
      path: file.path,
      facts: file.facts,
      pkg,
      imports: resolveImports(file.facts, lookup),
    };
    pkg.files.push(unit);
    for (const [name, value] of file.facts.decls) {
      if (!pkg.decls.has(name)) pkg.decls.set(name, { value, file: unit });
    }
    for (const [name, value] of file.facts.fields) {
      const list = pkg.fields.get(name);
      if (list) list.push({ value, file: unit });
      else pkg.fields.set(name, [{ value, file: unit }]);
    }
    for (const fn of file.facts.funcs) {
      const func = funcUnit(fn, unit);
      functions.push(func);
      indexOutArgs(func, pkg);
      if (!pkg.funcs.has(fn.n)) pkg.funcs.set(fn.n, func);
    }
  }
  return { packages, functions };
}

function indexOutArgs(func: FuncUnit, pkg: PackageUnit): void {
  func.facts.c.forEach((site, index) => {
    if (site.c.k !== 'f') return;
    site.a.forEach((arg, argIndex) => {
      if (arg.k !== 'addr' || arg.x.k !== 'sel') return;
      const list = pkg.outArgs.get(arg.x.n) ?? [];
      list.push({ caller: func, site: index, arg: argIndex });
      pkg.outArgs.set(arg.x.n, list);
    });
  });
}

function funcUnit(facts: FuncFacts, file: FileUnit): FuncUnit {
  const locals = new Map<string, Value>();
  for (const [name, value] of facts.l) if (!locals.has(name)) locals.set(name, value);
  const params = new Map<string, number>();
  facts.p.forEach((name, index) => {
    if (name !== '_' && !params.has(name)) params.set(name, index);
  });
  return { key: `${file.pkg.dir}#${facts.n}`, facts, file, locals, params };
}

function resolveImports(
  facts: FileFacts,
  lookup: (path: string) => PackageUnit | undefined,
): Map<string, ImportTarget> {
  const imports = new Map<string, ImportTarget>();
  for (const fact of facts.imports) {
    const local = lookup(fact.path);
    const name = fact.alias ?? local?.name ?? defaultImportName(fact.path);
    if (name === '_' || name === '.') continue;
    imports.set(name, local ? { path: fact.path, local } : { path: fact.path });
    // Without an alias the name is the package clause's, which may differ from the path's.
    if (fact.alias === undefined && local === undefined) {
      const guess = defaultImportName(fact.path);
      if (!imports.has(guess)) imports.set(guess, { path: fact.path });
    }
  }
  return imports;
}

/** Finds the scanned package an import path names, or undefined for an external one. */
function importLookup(
  packages: ReadonlyMap<string, PackageUnit>,
  modules: readonly GoModule[],
): (path: string) => PackageUnit | undefined {
  const byModule = [...modules].sort((a, b) => b.path.length - a.path.length);
  const cache = new Map<string, PackageUnit | undefined>();
  return (importPath) => {
    if (cache.has(importPath)) return cache.get(importPath);
    let found: PackageUnit | undefined;
    for (const module of byModule) {
      if (importPath === module.path || importPath.startsWith(`${module.path}/`)) {
        const rest = importPath.slice(module.path.length + 1);
        found = packages.get(joinDir(module.dir, rest));
        break;
      }
    }
    if (found === undefined && byModule.length === 0) {
      // No go.mod in the tree: the longest suffix of the import path that is a directory.
      const parts = importPath.split('/');
      for (let i = 0; i < parts.length && found === undefined; i++) {
        found = packages.get(parts.slice(i).join('/'));
      }
    }
    cache.set(importPath, found);
    return found;
  };
}

export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinDir(dir: string, rest: string): string {
  if (dir === '') return rest;
  return rest === '' ? dir : `${dir}/${rest}`;
}
