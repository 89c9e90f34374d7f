// MLLP over TLS, with and without a required client certificate. A throwaway CA, server and
// client certificates (and a client certificate from a second, untrusted CA) are made with the
// openssl CLI for each run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MllpClient, type MllpClientTlsOptions } from './mllp-client.ts';
import { MllpError } from './mllp-errors.ts';
import { MllpServer, type MllpServerTlsOptions } from './mllp-server.ts';
import { ackFor, bytes, recordingHandler, recordingLogger } from './mllp-test-support.ts';

interface Pem {
  readonly key: Buffer;
  readonly cert: Buffer;
}

let directory = '';
let trustedCa: Pem;
let serverPem: Pem;
let clientPem: Pem;
let untrustedClientPem: Pem;

/** Runs openssl in the temp directory; `command` is split at spaces (no argument here has one). */
function openssl(command: string): void {
  execFileSync('openssl', command.split(' '), { cwd: directory, stdio: 'pipe' });
}

function readPem(name: string): Pem {
  return { key: readFileSync(join(directory, `${name}.key`)), cert: readFileSync(join(directory, `${name}.crt`)) };
}

const NEW_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';

function makeCa(name: string): Pem {
  openssl(`req -x509 ${NEW_KEY} -keyout ${name}.key -out ${name}.crt -days 2 -subj /CN=${name}`);
  return readPem(name);
}

function makeLeaf(name: string, ca: string, extensions: string): Pem {
  writeFileSync(join(directory, `${name}.ext`), extensions);
  openssl(`req ${NEW_KEY} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
  openssl(
    `x509 -req -in ${name}.csr -CA ${ca}.crt -CAkey ${ca}.key -set_serial 1 -days 2 -extfile ${name}.ext -out ${name}.crt`,
  );
  return readPem(name);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'outside-mllp-tls-'));
  trustedCa = makeCa('outside-test-ca');
  makeCa('other-ca');
  serverPem = makeLeaf(
    'outside-test-server',
    'outside-test-ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  clientPem = makeLeaf('outside-test-client', 'outside-test-ca', 'extendedKeyUsage=clientAuth\n');
  untrustedClientPem = makeLeaf('untrusted-client', 'other-ca', 'extendedKeyUsage=clientAuth\n');
});

afterAll(() => {
  if (directory !== '') rmSync(directory, { recursive: true, force: true });
});

let servers: MllpServer[] = [];
let clients: MllpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
  clients = [];
});

const MESSAGE = bytes('MSH|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240101||ORM^O01|TLS1|P|2.3\rPID|1||123^^^HOSP^MR\r');

async function startTlsServer(requireClientCertificate: boolean) {
  const recorder = recordingHandler();
  const { logger, entries } = recordingLogger();
  const tls: MllpServerTlsOptions = requireClientCertificate
    ? { ...serverPem, ca: trustedCa.cert, requestCert: true, rejectUnauthorized: true }
    : { ...serverPem };
  const server = new MllpServer({ port: 0, handler: recorder.handler, tls, logger });
  servers.push(server);
  const { port } = await server.start();
  return { recorder, entries, port };
}

function client(port: number, tls: MllpClientTlsOptions | undefined): MllpClient {
  const created = new MllpClient({ host: '127.0.0.1', port, tls });
  clients.push(created);
  return created;
}

/** Connects and sends; returns the error either step failed with. */
async function failureOf(mllpClient: MllpClient): Promise<unknown> {
  try {
    await mllpClient.connect();
    await mllpClient.send(MESSAGE, { timeoutMs: 30_000 });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('MLLP over TLS without client certificates', () => {
  it('exchanges a message and an ACK', async () => {
    const { recorder, port } = await startTlsServer(false);
    const mllpClient = client(port, { ca: trustedCa.cert });
    await mllpClient.connect();
    expect(await mllpClient.send(MESSAGE)).toEqual(ackFor(MESSAGE));
    expect(recorder.calls.map((call) => call.payload)).toEqual([MESSAGE]);
    expect(recorder.calls[0]?.connection.tls).toEqual({ authorized: false, peerCommonName: undefined });
  });

  it('fails with tls_failed when the client does not trust the server certificate', async () => {
    const { recorder, port } = await startTlsServer(false);
    const error = await failureOf(client(port, {}));
    expect(error).toBeInstanceOf(MllpError);
    expect(error).toMatchObject({ code: 'tls_failed' });
    expect(recorder.calls).toEqual([]);
  });

  it('survives a plain-TCP client on the TLS port and keeps serving', async () => {
    const { recorder, entries, port } = await startTlsServer(false);
    const plain = client(port, undefined);
    await plain.connect();
    await expect(plain.send(MESSAGE)).rejects.toMatchObject({ code: 'connection_closed' });
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ code: 'tls_failed' }) }),
    );
    const good = client(port, { ca: trustedCa.cert });
    await good.connect();
    expect(await good.send(MESSAGE)).toEqual(ackFor(MESSAGE));
    expect(recorder.calls.length).toBe(1);
  });
});

describe('MLLP over TLS with a required client certificate', () => {
  it('accepts a client certificate from the trusted CA and tells the handler who it is', async () => {
    const { recorder, port } = await startTlsServer(true);
    const mllpClient = client(port, { ca: trustedCa.cert, ...clientPem });
    await mllpClient.connect();
    expect(await mllpClient.send(MESSAGE)).toEqual(ackFor(MESSAGE));
    expect(recorder.calls[0]?.connection.tls).toEqual({ authorized: true, peerCommonName: 'outside-test-client' });
  });

  // In TLS 1.3 the client has finished its handshake before the server checks its certificate,
  // so the refusal reaches the client after connect(), on its first send. A missing certificate is
  // refused by OpenSSL with an alert (tls_failed); an untrusted one is refused by Node, which only
  // closes the socket, so the client can tell no more than connection_closed.
  it.each([
    {
      name: 'no client certificate',
      certificate: () => ({}),
      clientCode: 'tls_failed',
      serverLog: { errorCode: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' },
    },
    {
      name: 'a certificate from another CA',
      certificate: () => untrustedClientPem,
      clientCode: 'connection_closed',
      serverLog: { authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    },
  ])('refuses a client with $name, and keeps serving others', async ({ certificate, clientCode, serverLog }) => {
    const { recorder, entries, port } = await startTlsServer(true);
    const error = await failureOf(client(port, { ca: trustedCa.cert, ...certificate() }));
    expect(error).toBeInstanceOf(MllpError);
    expect(error).toMatchObject({ code: clientCode });
    expect(recorder.calls).toEqual([]);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ code: 'tls_failed', ...serverLog }) }),
    );

    const good = client(port, { ca: trustedCa.cert, ...clientPem });
    await good.connect();
    expect(await good.send(MESSAGE)).toEqual(ackFor(MESSAGE));
  });
});
