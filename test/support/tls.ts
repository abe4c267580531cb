/**
 * A self-signed certificate for loopback TLS servers in tests, made with the system's `openssl`
 * into a temporary directory. A child process trusts it through `NODE_EXTRA_CA_CERTS=certPath`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface TestCertificate {
  /** The directory holding both files; `remove()` deletes it. */
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM texts, for `https.createServer({ cert, key })`. */
  readonly cert: string;
  readonly key: string;
  remove(): Promise<void>;
}

/**
 * Generates an RSA key and a self-signed certificate valid for the IP addresses `127.0.0.1` and
 * `::1` only (subject alternative names; the common name is not used). No `localhost`: a client
 * that checks an IP target against that name by mistake must fail.
 */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(path.join(tmpdir(), 'corgea-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=corgea-idp-auth test',
    '-addext',
    'subjectAltName=IP:127.0.0.1,IP:::1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return {
    dir,
    certPath,
    keyPath,
    cert: await readFile(certPath, 'utf8'),
    key: await readFile(keyPath, 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
