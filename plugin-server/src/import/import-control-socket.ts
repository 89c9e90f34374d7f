import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Config } from '../config/config-schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import type { Importer } from './importer.ts';
import { parseImportRequest, type ImportSocketMessage } from './media-import-protocol.ts';
import { runMediaImport } from './run-media-import.ts';

// The running sidecar takes `outside import` runs over a Unix socket, so an import runs in the
// warm server process instead of a fresh one. The socket is owner-only (0600): whoever can use it
// could as well open the database file and run the import themselves, so it grants nothing new.

const MAX_REQUEST_BYTES = 64 * 1024;

function send(socket: Socket, message: ImportSocketMessage): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** Reads the first line a client sends (the request), within a size bound. */
function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        socket.off('data', onData);
        resolve(buffered.slice(0, end));
      } else if (buffered.length > MAX_REQUEST_BYTES) {
        socket.off('data', onData);
        reject(new DomainError('invalid_input', 'import request too large'));
      }
    };
    socket.on('data', onData);
    socket.once('end', () => reject(new DomainError('invalid_input', 'the client closed before asking anything')));
  });
}

async function serve(socket: Socket, deps: { importer: Importer; config: Config['import'] }, log: Logger) {
  socket.on('error', () => undefined);
  try {
    const request = parseImportRequest(JSON.parse(await firstLine(socket)));
    log.info({ department: request.department }, 'import requested on the control socket');
    // The import goes on if the client goes away: nothing half-done is left behind.
    const wanted = request.progress;
    const report = await runMediaImport(deps, request, (progress) => {
      if (wanted) send(socket, { type: 'progress', progress });
    });
    send(socket, { type: 'report', report });
  } catch (error) {
    const message = error instanceof DomainError || error instanceof SyntaxError ? error.message : 'import failed';
    if (!(error instanceof DomainError)) log.error({ err: error }, 'import on the control socket failed');
    send(socket, { type: 'error', message });
  } finally {
    socket.end();
  }
}

/** A socket file left by a sidecar that died is removed; a live one means another sidecar runs. */
async function clearStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new DomainError('conflict', `another sidecar already listens on ${path}`);
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

export interface ImportControlSocket {
  close(): Promise<void>;
}

export async function listenImportSocket(
  path: string,
  deps: { importer: Importer; config: Config['import'] },
  log: Logger,
): Promise<ImportControlSocket> {
  await clearStaleSocket(path);
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    void serve(socket, deps, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
