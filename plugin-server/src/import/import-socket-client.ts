import { connect } from 'node:net';
import { DomainError } from '../domain/errors.ts';
import type { ImportProgress } from './importer.ts';
import type * as Protocol from './media-import-protocol.ts';
import type { MediaImportReport, MediaImportRequest } from './media-import-protocol.ts';

// `outside import`'s side of the control socket: hands the import to the running sidecar, or
// answers undefined when none is listening (the command then imports in its own process). The
// schema of the answers loads only once the request is on its way, while the sidecar works.

export function importThroughSocket(
  path: string,
  request: MediaImportRequest,
  onProgress: (progress: ImportProgress) => void,
): Promise<MediaImportReport | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let settled = false;
    let buffered = '';
    let protocol: Promise<typeof Protocol> | undefined;
    // Lines are handled in order, each once the schema is there; the end of the connection last.
    let handled: Promise<void> = Promise.resolve();
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    const handle = async (line: string) => {
      if (settled || protocol === undefined) return;
      // A schema that failed to load has settled the call already (below).
      const loaded = await protocol.catch(() => undefined);
      if (loaded === undefined) return;
      const { importSocketMessageSchema } = loaded;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const message = importSocketMessageSchema.safeParse(json);
      if (!message.success) {
        settle(() => reject(new DomainError('internal', 'the sidecar answered something unexpected')));
        socket.destroy();
        return;
      }
      const data = message.data;
      if (data.type === 'progress') onProgress(data.progress);
      else if (data.type === 'report') settle(() => resolve(data.report));
      else settle(() => reject(new DomainError('invalid_input', data.message)));
    };
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
      protocol = import('./media-import-protocol.ts');
      protocol.catch((error: unknown) => settle(() => reject(error)));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        handled = handled.then(() => handle(line));
        end = buffered.indexOf('\n');
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // No sidecar running (no socket, or a stale one): the caller imports by itself.
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) settle(() => resolve(undefined));
      else settle(() => reject(new DomainError('internal', `the sidecar's import socket failed: ${error.message}`)));
    });
    socket.once('close', () => {
      handled = handled.then(() =>
        settle(() => reject(new DomainError('internal', 'the sidecar closed the import socket without a report'))),
      );
    });
  });
}
