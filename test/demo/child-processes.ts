/**
 * Stops the child processes the demo started when it is interrupted. The runner harness
 * (test/e2e/runner.ts) does not hand out its child, so the children are found by their parent
 * process ID, and only those running one of the project's bundles are stopped: the TypeScript
 * loader's own helper process is left to the loader.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** A child process of this process that runs one of `entries` (paths of the bundles). */
export interface ChildProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * The direct children of `parent` (default: this process) whose command line names one of
 * `entries`.
 */
export function bundleChildren(
  entries: readonly string[],
  parent: number = process.pid,
): ChildProcess[] {
  return listChildren(parent).filter((child) =>
    entries.some((entry) => child.command.includes(entry)),
  );
}

/**
 * Sends SIGTERM to each child, then SIGKILL to any still alive after `graceMs`; resolves with the
 * process IDs it stopped.
 */
export async function stopChildren(
  children: readonly ChildProcess[],
  graceMs = 1000,
): Promise<number[]> {
  const stopped: number[] = [];
  for (const child of children) {
    if (signal(child.pid, 'SIGTERM')) stopped.push(child.pid);
  }
  const deadline = Date.now() + graceMs;
  while (stopped.some(isAlive) && Date.now() < deadline) await sleep(25);
  for (const pid of stopped.filter(isAlive)) signal(pid, 'SIGKILL');
  return stopped;
}

/** Whether a process of this ID exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Children from /proc on Linux; elsewhere (macOS) from `ps`, which lists the same fields. */
function listChildren(parent: number): ChildProcess[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return listChildrenWithPs(parent);
  }
  const children: ChildProcess[] = [];
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name in parentheses may hold spaces and parentheses: fields follow the
      // last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== parent) continue;
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      children.push({ pid: Number(name), command });
    } catch {
      // The process ended while it was being read.
    }
  }
  return children;
}

function listChildrenWithPs(parent: number): ChildProcess[] {
  const text = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'args='], {
    encoding: 'utf8',
  });
  return text.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match || Number(match[2]) !== parent) return [];
    return [{ pid: Number(match[1]), command: match[3] ?? '' }];
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
