/**
 * Peers on loopback for the connectivity diagnosis tests: certificates made with openssl in a
 * temporary directory, TLS and plain servers on 127.0.0.1 port 0, a port that was bound and
 * closed, and Debian's tinyproxy started from a config file the test writes. Everything started
 * here is stopped by `stopAll()`, which the tests call in afterAll.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { tinyproxyBinary } from '../peers/tinyproxy.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** Stops every server and child process started here, and removes the temporary files. */
export async function stopAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
  /** Where the certificate's PEM is, for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
}

export interface Certificates {
  /** A CA of the test's own, trusted only where a test says so (NODE_EXTRA_CA_CERTS). */
  readonly ca: KeyPair;
  /** Self-signed, for localhost and 127.0.0.1. */
  readonly selfSigned: KeyPair;
  /** Signed by the CA, for localhost and 127.0.0.1. */
  readonly localhost: KeyPair;
  /** Signed by the CA, for another name only. */
  readonly otherHost: KeyPair;
  /** Signed by the CA, for localhost and 127.0.0.1, and past its end date. */
  readonly expired: KeyPair;
}

/** Makes the test certificates with openssl (EC keys: quick to generate). */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'corgea-diagnose-certs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const read = (name: string): KeyPair => ({
    cert: readFileSync(file(`${name}.pem`), 'utf8'),
    key: readFileSync(file(`${name}.key`), 'utf8'),
    certFile: file(`${name}.pem`),
  });

  const local = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Diagnosis Test CA',
  );
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('self.key'),
    '-out',
    file('self.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    local,
  );

  const leaf = (name: string, subject: string, altNames: string, days: string) => {
    writeFileSync(file(`${name}.ext`), `${altNames}\n`);
    openssl(
      'req',
      ...ec,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      subject,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      days,
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.pem`),
    );
  };
  leaf('localhost', '/CN=localhost', local, '2');
  leaf('other', '/CN=other.invalid', 'subjectAltName=DNS:other.invalid', '2');
  // A negative validity ends the certificate a day before it was issued: expired at once.
  leaf('expired', '/CN=localhost', local, '-1');

  return {
    ca: read('ca'),
    selfSigned: read('self'),
    localhost: read('localhost'),
    otherHost: read('other'),
    expired: read('expired'),
  };
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

/** A port on 127.0.0.1 that was bound and released, so a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

/**
 * Starts Debian's tinyproxy (`tinyproxy -d`, in the foreground) on 127.0.0.1, allowing
 * CONNECT only to `connectPorts`. Resolves with its port once it accepts connections.
 */
export async function startTinyproxy(connectPorts: readonly number[]): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'corgea-diagnose-proxy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // tinyproxy takes no port 0: take a free port and hand it over at once.
  const port = await closedPort();
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 5',
    'MaxClients 4',
    'Allow 127.0.0.1',
    ...connectPorts.map((allowed) => `ConnectPort ${allowed}`),
    'LogLevel Error',
  ];
  writeFileSync(path.join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`);
  const child: ChildProcess = spawn(
    tinyproxyBinary(),
    ['-d', '-c', path.join(dir, 'tinyproxy.conf')],
    {
      stdio: 'ignore',
    },
  );
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  for (let tries = 0; tries < 50; tries++) {
    if (await accepts(port)) return port;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tinyproxy did not start listening on 127.0.0.1:${port}.`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
