import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerLocalTestPattern } from '../../../cli/commands/local-test-pattern';
import { ExitCode, type CliIo } from '../../../cli/io';
import { tempDir } from '../../support/cli-harness';

/**
 * Runs `ward local test-pattern ...` through a program holding only this command, as
 * cli/run.ts will once the `local` group is registered there.
 */
async function wardLocal(args: readonly string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  let code: number = ExitCode.internal;
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTty: false,
    env: {},
    cwd,
    untilInterrupted: () => Promise.resolve(),
  };
  const program = new Command('ward')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerLocalTestPattern(program.command('local'), io, (exit) => (code = exit));
  try {
    await program.parseAsync(['local', 'test-pattern', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = ExitCode.usage;
  }
  return { code, stdout, stderr };
}

const envelope = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
};

describe('ward local test-pattern', () => {
  let dir: string;
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeEach(() => {
    dir = tempDir('ward-test-pattern-');
    write('pattern.json', { source: ['aws.ec2'], detail: { state: ['terminated'] } });
    write('terminated.json', { ...envelope, detail: { state: 'terminated' } });
    write('running.json', { ...envelope, detail: { state: 'running' } });
  });

  it('given a matching event, then it prints true and exits 0', async () => {
    const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'terminated.json'], dir);
    expect(run).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
  });

  it('given an event that does not match, then it prints false and exits 0', async () => {
    const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'running.json'], dir);
    expect(run).toEqual({ code: 0, stdout: 'false\n', stderr: '' });
  });

  it('given --format json, then it prints the TestEventPattern response shape', async () => {
    const run = await wardLocal(
      [
        '--pattern',
        join(dir, 'pattern.json'),
        '--event',
        join(dir, 'terminated.json'),
        '--format',
        'json',
      ],
      '/',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ Result: true });
  });

  it('given a malformed pattern, then it prints EventBridge message and where, and exits 2', async () => {
    write('bad.json', { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } });
    const run = await wardLocal(['--pattern', 'bad.json', '--event', 'running.json'], dir);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'Event pattern is not valid. Reason: Bad numeric range operator: >\n' +
        '  (in bad.json, at detail.c-count[0])\n',
    });
  });

  it('given a pattern that is not JSON, then it is refused as EventBridge refuses it, exit 2', async () => {
    write('broken.json', '{"source": [aws.ec2]}');
    const run = await wardLocal(['--pattern', 'broken.json', '--event', 'running.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^Event pattern is not valid\. Reason: .+\n {2}\(in broken\.json, at \(root\)\)\n$/,
    );
  });

  it('given an event file that is not JSON, then it says so and exits 2', async () => {
    write('event.json', '{"id": "1",');
    const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'event.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: event\.json: the event is not valid JSON: .+\n$/);
  });

  it('given an event without the envelope, then it names what is missing and exits 2', async () => {
    write('bare.json', { detail: { state: 'terminated' } });
    const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'bare.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: bare\.json: the event lacks "id", "account", "source", "time", "region", "detail-type"/,
    );
  });

  it('given a pattern file that does not exist, then it names the file and exits 2', async () => {
    const run = await wardLocal(['--pattern', 'missing.json', '--event', 'running.json'], dir);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: cannot read the pattern file missing.json (ENOENT): give the path of a readable JSON file\n',
    });
  });

  it('given an event path that is a directory, then it names the file and exits 2', async () => {
    mkdirSync(join(dir, 'events'));
    const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'events'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: cannot read the event file events (EISDIR): give the path of a readable JSON file\n',
    );
  });

  // Root reads any file, so this case only means something for an ordinary user.
  const itAsUser = process.getuid?.() === 0 ? it.skip : it;
  itAsUser(
    'given an event file without read permission, then it names the file and exits 2',
    async () => {
      const path = write('secret.json', { ...envelope });
      chmodSync(path, 0o000);
      const run = await wardLocal(['--pattern', 'pattern.json', '--event', 'secret.json'], dir);
      chmodSync(path, 0o600);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot read the event file secret\.json \(EACCES\)/);
    },
  );

  it('given no --event option, then commander refuses the command line', async () => {
    const run = await wardLocal(['--pattern', 'pattern.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/required option '--event <file>' not specified/);
  });
});
