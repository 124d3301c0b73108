import { join } from 'node:path';
import { parseConfig, RpcmapConfigError } from '../../../rpcmap/config';
import { scan } from '../../../rpcmap/scan/scan';

const BAD_INPUT = join(__dirname, '../../fixtures/rpcmap/bad-input');

describe('bad input', () => {
  it('given a file that does not parse, a binary and a huge file, when scanned, then each is a warning and the scan carries on', async () => {
    const { result } = await scan({ root: BAD_INPUT, cacheDir: false });

    const messages = result.warnings.map((warning) => `${warning.file}: ${warning.message}`);
    expect(messages).toEqual([
      'service.a/broken.go: does not parse cleanly; analysed what the parser recovered',
      'service.b/blob.go: a binary file, not Go source; skipped',
      expect.stringMatching(/^service\.b\/huge\.go: larger than 4096 bytes \(\d+\); skipped$/),
    ]);
    expect(result.warnings[0]?.line).toBeGreaterThan(0);
    // The call after the broken statement is still found.
    expect(result.edges[0]?.evidence.map((evidence) => evidence.line)).toContain(10);
  });

  it.each([
    ['services: {}', 'rpcmap.yaml: services: '],
    ['services: [{name: service.a}]', 'rpcmap.yaml: services[0].path: '],
    ['services: [{name: a, path: x, alias: [b]}]', 'rpcmap.yaml: services[0]: '],
    ['exclude: [1]', 'rpcmap.yaml: exclude[0]: '],
    ['services: [{name: a, path: ../x}]', 'rpcmap.yaml: services[0].path: "../x" must be relative'],
    ['services: [{name: a, path: x}, {name: a, path: y}]', 'services[1].name: "a" is listed twice'],
    ['discover: [', 'rpcmap.yaml: not valid YAML'],
  ])('given the configuration %j, when parsed, then the error names the field', (text, message) => {
    expect(() => parseConfig(text, 'rpcmap.yaml')).toThrow(RpcmapConfigError);
    expect(() => parseConfig(text, 'rpcmap.yaml')).toThrow(message);
  });

  it('given an empty configuration, when parsed, then the defaults discover service.* directories and skip tests, vendor and mocks', () => {
    const config = parseConfig('', 'rpcmap.yaml');

    expect(config.discover).toEqual(['**/service.*']);
    expect(config.include).toEqual({ tests: false, vendor: false, mocks: false });
  });
});
