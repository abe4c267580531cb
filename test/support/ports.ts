/**
 * Loopback ports for tests: one free to hand to a program that cannot listen on port 0 (tinyproxy),
 * one that refuses connections, and a probe of whether a port accepts.
 */
import { connect, createServer } from 'node:net';

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

/** Resolves with the error code of a TCP connection attempt to 127.0.0.1:`port`, or 'connected'. */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}
