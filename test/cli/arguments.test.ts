/**
 * What the command line says about its own arguments: an unknown command, an unknown option, a
 * positional argument, a value where a variable's name belongs, a credential as a flag. A value
 * that may be a secret pasted in the wrong place is never echoed.
 */
import { describe, expect, it } from '@jest/globals';

import { runCli } from '../support/cli.js';

const PASTED = 'Pasted~Secret.Value+9c1e';

const TOKEN_FLAGS = ['token', '--tenant-id', 'contoso.onmicrosoft.com', '--client-id', 'app'];

describe('an unknown command', () => {
  it('is named, with a guess when one is close, exit 2', async () => {
    const { code, stderr } = await runCli(['tokn']);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: Unknown command "tokn".\n' +
        'Fix: did you mean token? The commands are token, check, register, deregister.\n',
    );
  });

  it('names the commands when none is close', async () => {
    const { code, stderr } = await runCli(['scan']);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: Unknown command "scan".\n' +
        'Fix: use one of the commands token, check, register, deregister; corgea-idp-auth ' +
        '--help says what each does.\n',
    );
  });

  it('is not echoed when it does not look like a command name', async () => {
    const { code, stderr } = await runCli([PASTED]);

    expect(code).toBe(2);
    expect(stderr).toContain('error: Unknown command; it is not shown');
    expect(stderr).not.toContain(PASTED);
  });
});

describe('a value where an option belongs', () => {
  it(
    'as a positional argument is refused ' + 'without quoting it, pointing at the options',
    async () => {
      const { code, stderr } = await runCli([...TOKEN_FLAGS, PASTED]);

      expect(code).toBe(2);
      expect(stderr).toContain(
        'error: Input arguments: found an argument that belongs to no option; it is not shown',
      );
      expect(stderr).toContain('Run corgea-idp-auth token --help for its options.');
      expect(stderr).not.toContain('Usage:');
      expect(stderr).not.toContain(PASTED);
    },
  );

  it.each([
    ['token', '--client-secret-env'],
    ['check', '--token-env'],
  ])('in %s %s is refused without quoting it', async (command, flag) => {
    const { code, stderr } = await runCli([
      command,
      '--tenant-id',
      'contoso.com',
      '--client-id',
      'app',
      flag,
      PASTED,
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain(
      `error: Input ${flag}: expected the name of an environment variable; the value given is ` +
        'not one and is not shown.',
    );
    expect(stderr).not.toContain(PASTED);
  });

  it('--client-secret-env with a variable name reads that variable', async () => {
    const { code, stderr } = await runCli([...TOKEN_FLAGS, '--client-secret-env', 'MY_SECRET_2']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      'error: Input client-secret: the environment variable MY_SECRET_2 is empty or not set.',
    );
  });
});

describe('an unknown option', () => {
  it('is named without its value, with a guess when one is close', async () => {
    const { code, stderr } = await runCli([...TOKEN_FLAGS, `--clinet-id=${PASTED}`]);

    expect(code).toBe(2);
    expect(stderr).toContain(
      'error: Input --clinet-id: is not an option of this command. Fix: did you mean --client-id?',
    );
    expect(stderr).not.toContain(PASTED);
  });

  it('a switch given a value does not quote the value', async () => {
    const { code, stderr } = await runCli([...TOKEN_FLAGS, `--client-secret-stdin=${PASTED}`]);

    expect(code).toBe(2);
    expect(stderr).toContain('error: Input --client-secret-stdin: is a switch and takes no value');
    expect(stderr).not.toContain(PASTED);
  });
});

describe('a credential as a flag', () => {
  it.each([
    ['token', '--client-secret', 'Input --client-secret: a secret on the command line'],
    ['check', '--token', 'Input --token: a token on the command line'],
    ['register', '--admin-token', 'Input --admin-token: a credential on the command line'],
  ])('%s %s is refused even next to --help, exit 2', async (command, flag, message) => {
    for (const argv of [
      [command, '--help', flag, PASTED],
      [command, `${flag}=${PASTED}`, '--help'],
    ]) {
      const { code, stderr, stdout } = await runCli(argv);

      expect(code).toBe(2);
      expect(stderr).toContain(`error: ${message}`);
      expect(stderr + stdout).not.toContain(PASTED);
    }
  });

  it('--help alone still prints the options, exit 0', async () => {
    const { code, stderr } = await runCli(['token', '--help']);

    expect(code).toBe(0);
    expect(stderr).toContain('--client-secret-env NAME');
  });
});

describe('a variable name that may be a pasted value', () => {
  it('is not echoed when it is not written as CI systems write names (upper case)', async () => {
    const pasted = 'kZ8qR2vN5tL9wX3yB7mC1dF6gH4jK0pQ';
    const { code, stderr } = await runCli([...TOKEN_FLAGS, '--client-secret-env', pasted]);

    expect(code).toBe(2);
    expect(stderr).toContain('the environment variable that --client-secret-env names');
    expect(stderr).not.toContain(pasted);
  });

  it('is named when it looks like one', async () => {
    const { stderr } = await runCli([...TOKEN_FLAGS, '--client-secret-env', 'MY_SECRET']);
    expect(stderr).toContain('the environment variable MY_SECRET is empty or not set');
  });
});
