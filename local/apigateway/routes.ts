export interface RouteConfig {
  readonly routeKey: string;
  readonly functionArn: string;
  readonly authorizer?: string;
  readonly authorizationScopes: readonly string[];
}

export interface RouteMatch {
  readonly route: RouteConfig;
  readonly pathParameters: Record<string, string>;
}

interface CompiledRoute {
  readonly route: RouteConfig;
  readonly method: string;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  /** API Gateway prefers exact paths, then paths with variables, then greedy ones. */
  readonly rank: number;
}

/**
 * HTTP API route selection: `METHOD /path` keys with `{name}` and greedy `{name+}` variables,
 * `ANY`, and `$default`, chosen in API Gateway's order of precedence.
 */
export class RouteTable {
  private readonly compiled: CompiledRoute[];
  private readonly fallback: RouteConfig | undefined;

  constructor(routes: readonly RouteConfig[]) {
    this.fallback = routes.find((r) => r.routeKey === '$default');
    this.compiled = routes
      .filter((r) => r.routeKey !== '$default')
      .map((route) => {
        const [method = '', path = ''] = route.routeKey.split(' ');
        const parameterNames: string[] = [];
        let rank = 0;
        const source = path
          .split('/')
          .map((segment) => {
            const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
            if (!variable) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            parameterNames.push(variable[1] ?? '');
            rank = Math.max(rank, variable[2] === '+' ? 2 : 1);
            return variable[2] === '+' ? '(.+)' : '([^/]+)';
          })
          .join('/');
        return {
          route,
          method,
          pattern: new RegExp(`^${source}$`),
          parameterNames,
          rank: rank * 2 + (method === 'ANY' ? 1 : 0),
        };
      })
      .sort((a, b) => a.rank - b.rank);
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const candidate of this.compiled) {
      if (candidate.method !== method && candidate.method !== 'ANY') continue;
      const found = candidate.pattern.exec(path);
      if (!found) continue;
      const pathParameters = Object.fromEntries(
        candidate.parameterNames.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
      );
      return { route: candidate.route, pathParameters };
    }
    return this.fallback ? { route: this.fallback, pathParameters: {} } : undefined;
  }
}
