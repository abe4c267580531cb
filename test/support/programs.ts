/**
 * Programs the tests run that npm does not install: found on PATH, or a failure that says what
 * to install, instead of a bare `spawn … ENOENT` in the middle of a test.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The absolute path of `name` on PATH; throws naming the program and how to get it. */
export function requireProgram(name: string, howToGet: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder; try the next.
    }
  }
  throw new Error(`${name} is not on PATH, and this test needs it: ${howToGet}`);
}
