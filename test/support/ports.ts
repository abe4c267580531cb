/**
 * Loopback ports for tests: one free to hand to a program that cannot listen on port 0 (tinyproxy),
 * and one that refuses connections.
 */
import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the port 0 trick, then released. Another
 * process could take it in between; on a test machine that race is rare and shows as a failed
 * start, not as a wrong result.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback port with nothing listening on it: connecting gives ECONNREFUSED. */
export const refusedLoopbackPort = freeLoopbackPort;
