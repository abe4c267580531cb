/**
 * Certificates for loopback TLS servers in tests, made with the system's `openssl` into a
 * temporary directory (EC P-256 keys: quick to generate). A child process trusts one through
 * `NODE_EXTRA_CA_CERTS=certPath`; each set's `remove()` deletes its directory.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface KeyPair {
  /** Where the certificate's PEM is, for NODE_EXTRA_CA_CERTS. */
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM texts, for `https.createServer({ cert, key })`. */
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificate extends KeyPair {
  /** The directory holding both files; `remove()` deletes it. */
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * A self-signed CA certificate valid for the IP addresses `127.0.0.1` and `::1` only (subject
 * alternative names; the common name is not used). No `localhost`: a client that checks an IP
 * target against that name by mistake must fail.
 */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const folder = await certificateFolder('corgea-tls-');
  try {
    const pair = await folder.selfSigned('cert', '/CN=corgea-idp-auth test', [
      'subjectAltName=IP:127.0.0.1,IP:::1',
      'basicConstraints=critical,CA:TRUE',
    ]);
    return { ...pair, dir: folder.dir, remove: folder.remove };
  } catch (error) {
    await folder.remove();
    throw error;
  }
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
  /** Deletes the directory holding them all. */
  remove(): Promise<void>;
}

/** The certificates the connectivity diagnosis tests present: one for each way TLS fails. */
export async function makeCertificates(): Promise<Certificates> {
  const folder = await certificateFolder('corgea-diagnose-certs-');
  const local = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
  try {
    const ca = await folder.selfSigned('ca', '/CN=Diagnosis Test CA', []);
    return {
      ca,
      selfSigned: await folder.selfSigned('self', '/CN=localhost', [local]),
      localhost: await folder.signed('localhost', ca, '/CN=localhost', local, '2'),
      otherHost: await folder.signed(
        'other',
        ca,
        '/CN=other.invalid',
        'subjectAltName=DNS:other.invalid',
        '2',
      ),
      // A negative validity ends the certificate a day before it was issued: expired at once.
      expired: await folder.signed('expired', ca, '/CN=localhost', local, '-1'),
      remove: folder.remove,
    };
  } catch (error) {
    await folder.remove();
    throw error;
  }
}

interface CertificateFolder {
  readonly dir: string;
  /** `name.pem` and `name.key`: a new key and a self-signed certificate, valid for two days. */
  selfSigned(name: string, subject: string, extensions: readonly string[]): Promise<KeyPair>;
  /** `name.pem` and `name.key`: a new key and a certificate that `ca` signs, valid `days`. */
  signed(
    name: string,
    ca: KeyPair,
    subject: string,
    altNames: string,
    days: string,
  ): Promise<KeyPair>;
  remove(): Promise<void>;
}

async function certificateFolder(prefix: string): Promise<CertificateFolder> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const read = async (name: string): Promise<KeyPair> => ({
    certPath: file(`${name}.pem`),
    keyPath: file(`${name}.key`),
    cert: await readFile(file(`${name}.pem`), 'utf8'),
    key: await readFile(file(`${name}.key`), 'utf8'),
  });

  return {
    dir,
    async selfSigned(name, subject, extensions) {
      await openssl(
        'req',
        '-x509',
        ...newKey,
        '-keyout',
        file(`${name}.key`),
        '-out',
        file(`${name}.pem`),
        '-days',
        '2',
        '-subj',
        subject,
        ...extensions.flatMap((extension) => ['-addext', extension]),
      );
      return read(name);
    },
    async signed(name, ca, subject, altNames, days) {
      await writeFile(file(`${name}.ext`), `${altNames}\n`);
      await openssl(
        'req',
        ...newKey,
        '-keyout',
        file(`${name}.key`),
        '-out',
        file(`${name}.csr`),
        '-subj',
        subject,
      );
      await openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        ca.certPath,
        '-CAkey',
        ca.keyPath,
        '-CAcreateserial',
        '-days',
        days,
        '-extfile',
        file(`${name}.ext`),
        '-out',
        file(`${name}.pem`),
      );
      return read(name);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
