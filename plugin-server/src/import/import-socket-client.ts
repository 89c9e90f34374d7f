import { connect } from 'node:net';
import { DomainError } from '../domain/errors.ts';
import type { ImportProgress } from './importer.ts';
import { importSocketMessageSchema, type MediaImportReport, type MediaImportRequest } from './media-import-protocol.ts';

// `outside import`'s side of the control socket: hands the import to the running sidecar, or
// answers undefined when none is listening (the command then imports in its own process).

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
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const message = importSocketMessageSchema.safeParse(JSON.parse(line));
        if (!message.success) {
          settle(() => reject(new DomainError('internal', 'the sidecar answered something unexpected')));
          socket.destroy();
          return;
        }
        const data = message.data;
        if (data.type === 'progress') onProgress(data.progress);
        else if (data.type === 'report') settle(() => resolve(data.report));
        else settle(() => reject(new DomainError('invalid_input', data.message)));
        end = buffered.indexOf('\n');
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // No sidecar running (no socket, or a stale one): the caller imports by itself.
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) settle(() => resolve(undefined));
      else settle(() => reject(new DomainError('internal', `the sidecar's import socket failed: ${error.message}`)));
    });
    socket.once('close', () =>
      settle(() => reject(new DomainError('internal', 'the sidecar closed the import socket without a report'))),
    );
  });
}
