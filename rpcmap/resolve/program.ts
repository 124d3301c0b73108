import type { FileFacts, FuncFacts, Value } from '../extract/facts';
import { defaultImportName } from '../extract/go-names';

/** One analysed file, as the resolver sees it. */
export interface SourceFile {
  /** relative to the scanned root, `/`-separated */
  readonly path: string;
  readonly facts: FileFacts;
}

/** What the program needs to know of a file before (and without) reading its facts. */
export interface FileMeta {
  readonly path: string;
  /** the package clause's name */
  readonly pkg: string;
  readonly imports: readonly string[];
  readonly mock: boolean;
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
  /** the imported package's directory, when it is part of the scanned tree */
  readonly dir?: string;
  /** the service whose tree holds the imported package, if any */
  readonly service?: string;
}

export interface FuncUnit {
  readonly key: string;
  readonly facts: FuncFacts;
  readonly file: FileUnit;
  readonly locals: ReadonlyMap<string, Value>;
  readonly params: ReadonlyMap<string, number>;
}

/** A package (one directory) with its files' facts indexed. */
export interface PackageUnit {
  readonly program: Program;
  readonly dir: string;
  readonly name: string;
  /** the service whose tree holds this package, if any */
  readonly service: string | undefined;
  readonly files: readonly FileUnit[];
  readonly decls: Map<string, { readonly value: Value; readonly file: FileUnit }>;
  readonly fields: Map<string, { readonly value: Value; readonly file: FileUnit }[]>;
  /** the first function of each name */
  readonly funcs: Map<string, FuncUnit>;
  /** every function, in file order */
  readonly functions: readonly FuncUnit[];
  /** `helper(&x.f, ...)`: field `f` may be written by `helper` through that argument */
  readonly outArgs: Map<
    string,
    { readonly caller: FuncUnit; readonly site: number; readonly arg: number }[]
  >;
}

/** A package as known before its facts are read. */
export interface PackageMeta {
  readonly dir: string;
  readonly name: string;
  readonly service: string | undefined;
  /** its files' paths, in order (mocks left out unless the configuration includes them) */
  readonly files: readonly string[];
  /** the directories of the tree's packages its files import, sorted */
  readonly deps: readonly string[];
}

/**
 * The scanned tree as packages (one per directory). Import paths are mapped to the tree's
 * packages (through `go.mod` module paths, or by path suffix when there is none) from what is
 * known of each file without its facts; a package's facts are read and indexed only when the
 * analysis first needs it, so a rescan reads only the packages it re-analyses and what they
 * call. Pure apart from `loadFacts`.
 */
export class Program {
  private readonly metas = new Map<string, PackageMeta>();
  private readonly units = new Map<string, PackageUnit>();
  private readonly importDirs = new Map<string, string | undefined>();
  private readonly byModule: readonly GoModule[];

  constructor(
    files: readonly FileMeta[],
    modules: readonly GoModule[],
    private readonly serviceOfDir: (dir: string) => string | undefined,
    private readonly loadFacts: (path: string) => FileFacts,
  ) {
    this.byModule = [...modules].sort((a, b) => b.path.length - a.path.length);
    const grouped = new Map<
      string,
      { name: string; files: string[]; imports: Set<string>; lists: Set<readonly string[]> }
    >();
    for (const file of files) {
      const dir = dirOf(file.path);
      let group = grouped.get(dir);
      if (group === undefined) {
        group = { name: file.pkg, files: [], imports: new Set(), lists: new Set() };
        grouped.set(dir, group);
      }
      // `main` or an external test package must not rename a library package.
      if (group.name === 'main' || group.name.endsWith('_test')) group.name = file.pkg;
      group.files.push(file.path);
      // Files of a package often share one list of imports (the cache keeps one copy of each).
      if (group.lists.has(file.imports)) continue;
      group.lists.add(file.imports);
      for (const path of file.imports) group.imports.add(path);
    }
    const dirs = new Set(grouped.keys());
    for (const [dir, group] of grouped) {
      const deps = new Set<string>();
      for (const path of group.imports) {
        const found = this.importDir(path, dirs);
        if (found !== undefined) deps.add(found);
      }
      this.metas.set(dir, {
        dir,
        name: group.name,
        service: serviceOfDir(dir),
        files: group.files,
        deps: [...deps].sort(),
      });
    }
  }

  /** Every package's directory, in the order files were given. */
  get dirs(): IterableIterator<string> {
    return this.metas.keys();
  }

  meta(dir: string): PackageMeta | undefined {
    return this.metas.get(dir);
  }

  /** The package in `dir`, its facts read and indexed on first use. */
  unit(dir: string): PackageUnit | undefined {
    const known = this.units.get(dir);
    if (known !== undefined) return known;
    const meta = this.metas.get(dir);
    if (meta === undefined) return undefined;
    const unit = this.index(meta);
    this.units.set(dir, unit);
    return unit;
  }

  /** The package an import names, if it is part of the tree. */
  imported(target: ImportTarget): PackageUnit | undefined {
    return target.dir === undefined ? undefined : this.unit(target.dir);
  }

  private index(meta: PackageMeta): PackageUnit {
    const files: FileUnit[] = [];
    // Files of a package often import the same packages under the same names: one map each.
    const importMaps = new Map<string, Map<string, ImportTarget>>();
    const functions: FuncUnit[] = [];
    const pkg: PackageUnit = {
      program: this,
      dir: meta.dir,
      name: meta.name,
      service: meta.service,
      files,
      decls: new Map(),
      fields: new Map(),
      funcs: new Map(),
      functions,
      outArgs: new Map(),
    };
    for (const path of meta.files) {
      const facts = this.loadFacts(path);
      const key = facts.imports.map((fact) => `${fact.alias ?? ''} ${fact.path}`).join('\n');
      let imports = importMaps.get(key);
      if (imports === undefined) {
        imports = this.resolveImports(facts);
        importMaps.set(key, imports);
      }
      const unit: FileUnit = { path, facts, pkg, imports };
      files.push(unit);
      for (const [name, value] of facts.decls) {
        if (!pkg.decls.has(name)) pkg.decls.set(name, { value, file: unit });
      }
      for (const [name, value] of facts.fields) {
        const list = pkg.fields.get(name);
        if (list) list.push({ value, file: unit });
        else pkg.fields.set(name, [{ value, file: unit }]);
      }
      for (const fn of facts.funcs) {
        const func = funcUnit(fn, unit);
        functions.push(func);
        indexOutArgs(func, pkg);
        if (!pkg.funcs.has(fn.n)) pkg.funcs.set(fn.n, func);
      }
    }
    return pkg;
  }

  private resolveImports(facts: FileFacts): Map<string, ImportTarget> {
    const imports = new Map<string, ImportTarget>();
    for (const fact of facts.imports) {
      const dir = this.importDir(fact.path);
      const local = dir === undefined ? undefined : this.metas.get(dir);
      const name = fact.alias ?? local?.name ?? defaultImportName(fact.path);
      if (name === '_' || name === '.') continue;
      imports.set(
        name,
        local
          ? {
              path: fact.path,
              dir: local.dir,
              ...(local.service ? { service: local.service } : {}),
            }
          : { path: fact.path },
      );
      // Without an alias the name is the package clause's, which may differ from the path's.
      if (fact.alias === undefined && local === undefined) {
        const guess = defaultImportName(fact.path);
        if (!imports.has(guess)) imports.set(guess, { path: fact.path });
      }
    }
    return imports;
  }

  /** The directory of the scanned package an import path names, or undefined. */
  private importDir(importPath: string, dirs?: ReadonlySet<string>): string | undefined {
    if (this.importDirs.has(importPath)) return this.importDirs.get(importPath);
    const exists = (dir: string) => (dirs ? dirs.has(dir) : this.metas.has(dir));
    let found: string | undefined;
    for (const module of this.byModule) {
      if (importPath === module.path || importPath.startsWith(`${module.path}/`)) {
        const dir = joinDir(module.dir, importPath.slice(module.path.length + 1));
        found = exists(dir) ? dir : undefined;
        break;
      }
    }
    if (found === undefined && this.byModule.length === 0) {
      // No go.mod in the tree: the longest suffix of the import path that is a directory.
      const parts = importPath.split('/');
      for (let i = 0; i < parts.length && found === undefined; i++) {
        const dir = parts.slice(i).join('/');
        if (exists(dir)) found = dir;
      }
    }
    this.importDirs.set(importPath, found);
    return found;
  }
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

/** A function; its locals and parameters are indexed when first asked for (most never are). */
class Func implements FuncUnit {
  private localsMap: Map<string, Value> | undefined;
  private paramsMap: Map<string, number> | undefined;

  constructor(
    readonly facts: FuncFacts,
    readonly file: FileUnit,
  ) {}

  get key(): string {
    return `${this.file.pkg.dir}#${this.facts.n}`;
  }

  get locals(): ReadonlyMap<string, Value> {
    if (this.localsMap === undefined) {
      this.localsMap = new Map();
      for (const [name, value] of this.facts.l) {
        if (!this.localsMap.has(name)) this.localsMap.set(name, value);
      }
    }
    return this.localsMap;
  }

  get params(): ReadonlyMap<string, number> {
    if (this.paramsMap === undefined) {
      const params = new Map<string, number>();
      this.facts.p.forEach((name, index) => {
        if (name !== '_' && !params.has(name)) params.set(name, index);
      });
      this.paramsMap = params;
    }
    return this.paramsMap;
  }
}

function funcUnit(facts: FuncFacts, file: FileUnit): FuncUnit {
  return new Func(facts, file);
}

/** What a file contributes to its package's description, from its facts. */
export function fileMeta(path: string, facts: FileFacts): FileMeta {
  return {
    path,
    pkg: facts.pkg,
    imports: facts.imports.map((fact) => fact.path),
    mock: facts.mock,
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
