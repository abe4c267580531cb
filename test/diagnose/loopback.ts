/**
 * Peers on loopback for the connectivity diagnosis tests: TLS and plain servers on 127.0.0.1
 * port 0 with the certificates of test/support/tls.ts, a port that refuses connections, and
 * Debian's tinyproxy. Everything started here is stopped by `stopAll()`, which the tests call in
 * afterAll.
 */
import net from 'node:net';
import tls from 'node:tls';

import { startTinyproxy } from '../peers/tinyproxy.js';
import { refusedLoopbackPort } from '../support/ports.js';
import { makeCertificates, type Certificates, type KeyPair } from '../support/tls.js';

/** A port on 127.0.0.1 that was bound and released, so a connection to it is refused. */
export const closedPort = refusedLoopbackPort;

const cleanups: (() => Promise<void> | void)[] = [];

/** Stops every server and child process started here, and removes the certificates. */
export async function stopAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** The certificates of test/support/tls.ts, removed by `stopAll()`. */
export async function certificates(): Promise<Certificates> {
  const made = await makeCertificates();
  cleanups.push(made.remove);
  return made;
}

/** A TLS server on 127.0.0.1 that completes handshakes and closes; resolves with its port. */
export async function startTlsServer(pair: KeyPair): Promise<number> {
  return (await startCountingTlsServer(pair)).port;
}

/** As `startTlsServer`, and counts the TCP connections it accepted. */
export async function startCountingTlsServer(
  pair: KeyPair,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = tls.createServer({ cert: pair.cert, key: pair.key }, (socket) => socket.end());
  server.on('connection', () => (connections += 1));
  server.on('tlsClientError', () => undefined);
  return { port: await listen(server), connections: () => connections };
}

/** A TCP server that accepts and then says nothing: a TLS client waits for a ServerHello. */
export async function startSilentServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  // Runs before the server's close, which waits for its connections to end.
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  return port;
}

/** A TCP server that answers anything with a plain HTTP response: not TLS. */
export async function startPlainHttpServer(): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  });
  return listen(server);
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

/**
 * Debian's tinyproxy (test/peers/tinyproxy.ts) on 127.0.0.1, allowing CONNECT only to
 * `connectPorts`, until `stopAll()`. Resolves with its port once it accepts connections.
 */
export async function startProxy(connectPorts: readonly number[]): Promise<number> {
  const proxy = await startTinyproxy({ connectPorts });
  cleanups.push(proxy.stop);
  return proxy.port;
}
