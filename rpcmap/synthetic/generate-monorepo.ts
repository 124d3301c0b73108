import { seededRandom } from './seeded-random';
import { fillerFile, pascal } from './go-filler';
import {
  MODULE,
  callsFile,
  deployment,
  generatedProto,
  goIdent,
  mainFile,
  mockFile,
  negativesFile,
  sharedClients,
  sharedDial,
  shortName,
  testFile,
} from './service-files';

/** A generated monorepo: its files, and the calls it was written to make. */
export interface SyntheticMonorepo {
  /** relative path to content */
  readonly files: ReadonlyMap<string, string>;
  readonly services: readonly string[];
  /** `from -> to` for every service call the code makes (and no other) */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly lines: number;
}

export interface MonorepoOptions {
  readonly services: number;
  /** average outgoing calls per service */
  readonly callsPerService: number;
  /** filler handler files per service (about 110 lines each) */
  readonly handlerFiles: number;
  readonly seed: number;
}

const WORDS = [
  'ledger', 'accounts', 'payments', 'cards', 'fraud', 'risk', 'notify', 'auth', 'pots', 'feed',
  'rates', 'limits', 'kyc', 'loans', 'savings', 'billing', 'tax', 'audit', 'search', 'profile',
  'support', 'chat', 'rewards', 'invest', 'crypto', 'pension', 'mortgage', 'insure', 'travel',
  'budget', 'split', 'gift', 'refund', 'dispute', 'merchant', 'atm', 'wire', 'sepa', 'swift',
  'bacs', 'chaps', 'cheque', 'statement', 'export', 'report', 'ident', 'device', 'session',
]; // prettier-ignore
const HOSTS = ['api.stripe.com', 'api.sendgrid.com', 'api.mastercard.com', 'data.fixer.io'];

/** How each generated call is written: every pattern rpcmap recognises. */
const CALL_STYLES = [
  'typhon', 'http-get', 'http-request', 'sprintf', 'service-package', 'grpc-client',
  'grpc-env', 'registered-name', 'dapr', 'consul', 'shared-dial', 'shared-client', 'provider',
] as const; // prettier-ignore
type CallStyle = (typeof CALL_STYLES)[number];

/**
 * Writes a deterministic monorepo (Monzo-style: one `service.*` directory per service, one
 * go.mod) whose services call each other with a realistic skew (a few hubs, the ledger first,
 * called by hundreds), in every pattern rpcmap knows, amid ordinary Go code and negatives
 * (commented-out calls, tests, mocks, type-only imports) that must not count.
 */
export function generateMonorepo(options: MonorepoOptions): SyntheticMonorepo {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const names = serviceNames(options.services);
  const files = new Map<string, string>();
  const edges: { from: string; to: string }[] = [];
  const manifests: string[] = [];
  // Shared clients with a fixed target: the service using one calls that target.
  const sharedTargets = names.slice(1, 21);
  files.set('go.mod', `module ${MODULE}\n\ngo 1.22\n`);
  files.set('rpcmap.yaml', "discover: ['service.*']\nmanifests: [deploy]\n");
  files.set('common/grpcx/dial.go', sharedDial());
  files.set('common/client/clients.go', sharedClients(sharedTargets));
  names.forEach((name, index) => {
    const short = shortName(name);
    files.set(`${name}/proto/${short}.pb.go`, generatedProto(name));
    const count = Math.max(0, Math.round(options.callsPerService * (0.5 + random())));
    const callees = new Set<string>();
    for (let i = 0; i < count * 3 && callees.size < count; i++) {
      const callee = names[skewedIndex(random, names.length)] ?? name;
      if (callee !== name) callees.add(callee);
    }
    const calls: string[] = [];
    const env: [string, string][] = [];
    const imports = new Set<string>();
    let i = 0;
    for (const callee of [...callees].sort()) {
      let style: CallStyle = CALL_STYLES[(index + i) % CALL_STYLES.length] ?? 'typhon';
      if (style === 'shared-client' && !sharedTargets.includes(callee)) style = 'typhon';
      calls.push(callCode(style, callee, i, imports, env));
      edges.push({ from: name, to: callee });
      i++;
    }
    if (index % 7 === 0) {
      imports.add('"net/http"');
      calls.push(
        `\tif _, err := http.Get("https://${pick(HOSTS)}/v1/ping"); err != nil {\n\t\treturn err\n\t}\n`,
      );
    }
    files.set(`${name}/handler/calls.go`, callsFile(name, calls, imports));
    files.set(
      `${name}/handler/negatives.go`,
      negativesFile(names[(index + 7) % names.length] ?? name),
    );
    files.set(`${name}/handler/calls_test.go`, testFile(names[(index + 3) % names.length] ?? name));
    files.set(`${name}/handler/mock_store.go`, mockFile(names[(index + 5) % names.length] ?? name));
    for (let f = 0; f < options.handlerFiles; f++) {
      files.set(
        `${name}/handler/h${f}.go`,
        fillerFile(random, 'handler', 9 + Math.floor(random() * 4)),
      );
    }
    files.set(`${name}/dao/dao.go`, fillerFile(random, 'dao', 6));
    files.set(`${name}/main.go`, mainFile(name));
    if (env.length > 0) manifests.push(deployment(name, env));
  });
  files.set('deploy/workloads.yaml', manifests.join('---\n'));
  let lines = 0;
  for (const [path, text] of files) if (path.endsWith('.go')) lines += countLines(text);
  return { files, services: names, edges, lines };
}

/** Hubs first: index 0 (the ledger) is called most, then a long tail. */
function skewedIndex(random: () => number, count: number): number {
  const r = random();
  if (r < 0.15) return 0;
  if (r < 0.3) return 1 + Math.floor(random() * Math.min(9, count - 1));
  return Math.floor(random() ** 2 * count);
}

function serviceNames(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const word = WORDS[i % WORDS.length] ?? 'svc';
    const round = Math.floor(i / WORDS.length);
    names.push(
      round === 0 ? `service.${word}` : `service.${word}-${WORDS[round % WORDS.length]}${round}`,
    );
  }
  return names;
}

function callCode(
  style: CallStyle,
  callee: string,
  i: number,
  imports: Set<string>,
  env: [string, string][],
): string {
  const short = shortName(callee);
  const ident = goIdent(callee);
  const protoImport = `${ident}proto "${MODULE}/${callee}/proto"`;
  switch (style) {
    case 'typhon':
      imports.add('"github.com/monzo/typhon"');
      return `\trsp${i} := typhon.NewRequest(ctx, "POST", "http://${callee}/call", nil).Send().Response()\n\tif rsp${i}.Error != nil {\n\t\treturn rsp${i}.Error\n\t}\n`;
    case 'http-get':
      imports.add('"net/http"');
      return `\tif _, err := http.Get(${ident}URL${i}); err != nil {\n\t\treturn err\n\t}\n\treturn callMore${i}(ctx, id)\n}\n\nconst ${ident}URL${i} = "http://${callee}/read"\n\nfunc callMore${i}(ctx context.Context, id string) error {\n`;
    case 'http-request':
      imports.add('"net/http"');
      return `\treq${i}, err := http.NewRequestWithContext(ctx, "GET", "http://" + "${callee}" + "/items", nil)\n\tif err != nil {\n\t\treturn err\n\t}\n\tif _, err := http.DefaultClient.Do(req${i}); err != nil {\n\t\treturn err\n\t}\n`;
    case 'sprintf':
      imports.add('"fmt"');
      imports.add('"net/http"');
      return `\tif _, err := http.Post(fmt.Sprintf("http://%s/v%d/do", "${callee}", 2), "application/json", nil); err != nil {\n\t\treturn err\n\t}\n`;
    case 'service-package':
      imports.add(protoImport);
      return `\tif rsp := (${ident}proto.ReadRequest{Id: id}).Send(ctx).Response(); rsp.Error != nil {\n\t\treturn rsp.Error\n\t}\n`;
    case 'grpc-client':
    case 'provider':
      imports.add(protoImport);
      imports.add('"google.golang.org/grpc"');
      return `\t_ = ${ident}proto.New${pascal(ident)}Client(conn${i}(ctx))\n`;
    case 'grpc-env': {
      imports.add('"os"');
      imports.add('"google.golang.org/grpc"');
      const variable = `UPSTREAM_${i}_ADDR`;
      env.push([variable, `${short}.${short}.svc.cluster.local:8080`]);
      return `\tif c, err := grpc.Dial(os.Getenv("${variable}")); err == nil {\n\t\t_ = c.Close()\n\t}\n`;
    }
    case 'registered-name':
      imports.add('kclient "github.com/cloudwego/kitex/client"');
      return `\tif _, err := kclient.NewClient("${callee}"); err != nil {\n\t\treturn err\n\t}\n`;
    case 'dapr':
      imports.add('dapr "github.com/dapr/go-sdk/client"');
      return `\tif d, err := dapr.NewClient(); err == nil {\n\t\t_, _ = d.InvokeMethod(ctx, "${short}", "call", "post")\n\t}\n`;
    case 'consul':
      imports.add('"google.golang.org/grpc"');
      return `\tif c, err := grpc.Dial("consul://consul:8500/${callee}"); err == nil {\n\t\t_ = c.Close()\n\t}\n`;
    case 'shared-dial':
      imports.add(`"${MODULE}/common/grpcx"`);
      return `\tif c, err := grpcx.Dial(ctx, "dns:///${short}:8080"); err == nil {\n\t\t_ = c.Close()\n\t}\n`;
    case 'shared-client':
      imports.add(`"${MODULE}/common/client"`);
      return `\tif err := client.Call${pascal(ident)}(ctx, id); err != nil {\n\t\treturn err\n\t}\n`;
  }
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}
