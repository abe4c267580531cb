/**
 * A real HTTP proxy for the tests: Debian's `tinyproxy` (`tinyproxy` on PATH; `.ci/run` installs
 * it), started in the foreground (`-d`) from a config file written here, on a free loopback port,
 * with its log in a temporary directory so that a test can see which requests went through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { connectOutcome, freeLoopbackPort } from '../support/ports.js';
import { requireProgram } from '../support/programs.js';

/** Where tinyproxy is; `.ci/run` installs it, a developer machine may not have it. */
export function tinyproxyBinary(): string {
  return requireProgram('tinyproxy', "install Debian's package (apt-get install tinyproxy).");
}

export interface TinyproxyOptions {
  /**
   * The ports CONNECT may open tunnels to (`ConnectPort` lines). Absent or empty: no such line,
   * and tinyproxy then allows CONNECT to every port.
   */
  readonly connectPorts?: readonly number[];
}

export interface Tinyproxy {
  /** `http://127.0.0.1:PORT`, the value for `HTTP_PROXY` and `HTTPS_PROXY`. */
  readonly url: string;
  readonly port: number;
  /** The request lines tinyproxy logged, e.g. `CONNECT 127.0.0.1:4431 HTTP/1.1`, in order. */
  requests(): Promise<string[]>;
  /** The whole log, for a failing test's message. */
  log(): Promise<string>;
  /** Kills tinyproxy and removes its directory. */
  stop(): Promise<void>;
}

/** Starts tinyproxy and resolves once it accepts connections. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'corgea-tinyproxy-'));
  const port = await freeLoopbackPort();
  const logFile = path.join(dir, 'tinyproxy.log');
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'Allow 127.0.0.1',
    'MaxClients 20',
    'LogLevel Info',
    `LogFile "${logFile}"`,
    `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
    ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
  ];
  const configFile = path.join(dir, 'tinyproxy.conf');
  await writeFile(configFile, `${config.join('\n')}\n`);

  const child = spawn(tinyproxyBinary(), ['-d', '-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  const log = () => readFile(logFile, 'utf8').catch(() => '');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    requests: async () =>
      [...(await log()).matchAll(/Request \(file descriptor \d+\): (.*)$/gm)].map(
        (m) => m[1] ?? '',
      ),
    stop,
  };
}

async function waitUntilListening(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      throw new Error(`tinyproxy exited with ${child.exitCode} before listening: ${output()}`);
    }
    if ((await connectOutcome(port)) === 'connected') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within 5 s: ${output()}`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
