import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { DomainError } from '../domain/errors.ts';
import { orthancError } from './orthanc-client.ts';
import { failedOnStaleSocket, STALE_SOCKET_ATTEMPTS } from './stale-socket.ts';
import { orthancUploadResultSchema, type OrthancUploadResult } from './orthanc-schemas.ts';

/** Files up to this size are sent from memory in one write; larger ones are streamed. */
export const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

export type UploadOutcome =
  { kind: 'stored' | 'already-stored'; result: OrthancUploadResult } | { kind: 'rejected'; reason: string };

/**
 * Sends one DICOM file from disk to Orthanc's `POST /instances` with its Content-Length, on
 * keep-alive connections: the fastest ingest path Orthanc offers. Large files (multi-frame
 * cine, whole-slide) are streamed, never held in memory. Orthanc refusing the file (HTTP 400) is an outcome; Orthanc unreachable is an error.
 */
export class InstanceUploader {
  private readonly url: URL;
  private readonly authorization: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(options: { url: string; authorization: string; maxSockets: number; timeoutMs: number }) {
    this.url = new URL('/instances', options.url);
    this.authorization = options.authorization;
    // Orthanc answers `Keep-Alive: timeout=1`, and Node's agent drops a socket once that hint minus
    // agentKeepAliveTimeoutBuffer (1 s by default) has passed: at once. Every upload then paid a
    // new TCP connection; with a small buffer the sockets are reused back to back.
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, agentKeepAliveTimeoutBuffer: 100 });
    this.timeoutMs = options.timeoutMs;
  }

  /** Uploads the file at `path`; `contents`, when the caller has already read the file, is sent instead. */
  async upload(path: string, contents?: Buffer): Promise<UploadOutcome> {
    const size = contents?.length ?? (await stat(path)).size;
    // Small files (nearly every image) are read in one call and written in one: streaming them in
    // 64 KiB chunks cost a quarter of the import's time in system calls. Memory stays bounded by
    // the upload concurrency times this size.
    const whole = contents ?? (size <= WHOLE_FILE_LIMIT ? await readFile(path) : undefined);
    const { status, body } = await this.send(path, size, whole).catch((error: unknown) => {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw error;
      throw new DomainError(
        'orthanc_unavailable',
        `Orthanc could not be reached to store a file: ${(error as Error).message}`,
      );
    });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    if (status === 200) {
      const result = orthancUploadResultSchema.parse(json);
      return { kind: result.Status === 'AlreadyStored' ? 'already-stored' : 'stored', result };
    }
    const error = orthancError(status, json, 'the file');
    if (status === 400 || status === 415) return { kind: 'rejected', reason: error.message };
    throw error;
  }

  /** POSTs the file, again on another connection when a pooled one turns out closed by Orthanc. */
  private async send(path: string, size: number, whole: Buffer | undefined): Promise<{ status: number; body: string }> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(path, size, whole);
      if (result !== 'stale-socket') return result;
      if (attempt >= STALE_SOCKET_ATTEMPTS) throw new Error('every pooled connection had been closed by Orthanc');
    }
  }

  private attempt(
    path: string,
    size: number,
    whole: Buffer | undefined,
  ): Promise<{ status: number; body: string } | 'stale-socket'> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const outgoing = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { authorization: this.authorization, 'content-type': 'application/dicom', 'content-length': size },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      outgoing.on('error', (error) => {
        if (!answered && failedOnStaleSocket(outgoing, error)) resolve('stale-socket');
        else reject(error);
      });
      if (whole !== undefined) {
        outgoing.end(whole);
        return;
      }
      const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
      file.on('error', (error) => outgoing.destroy(error));
      file.pipe(outgoing);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
