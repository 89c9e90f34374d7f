import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import {
  claimedPatientSchema,
  importFileReportSchema,
  importSessionSchema,
  importOutcomeSchema,
  mediaIndexSummarySchema,
  sourceKindSchema,
} from '../../domain/import-session.ts';
import { STUDY_READERS } from '../../domain/roles.ts';
import { extractZip } from '../../import/extract-zip.ts';
import { uploadPathComponents } from '../../import/upload-paths.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

const IMPORTERS = sessionOnly(STUDY_READERS);
const idParams = z.object({ id: z.string().uuid() });
const batchResultSchema = z.object({
  received: z.number().int(),
  outcomes: z.array(z.object({ path: z.string(), outcome: importOutcomeSchema, reason: z.string().nullable() })),
});

const ZIP_ERROR_STATUS: Record<string, 'payload_too_large' | 'invalid_input'> = {
  'too-many-entries': 'payload_too_large',
  'entry-too-large': 'payload_too_large',
  'total-too-large': 'payload_too_large',
  'expansion-ratio': 'payload_too_large',
};

/** Streams the multipart parts of one request to files below `folder`; nothing reaches Orthanc yet. */
async function receiveMultipart(
  request: Request,
  folder: string,
  limits: { maxFileBytes: number; remainingFiles: number; remainingBytes: number },
): Promise<string[]> {
  const paths: string[] = [];
  let bytes = 0;
  let failure: DomainError | undefined;
  const writes: Promise<void>[] = [];
  const parser = busboy({
    headers: request.headers,
    preservePath: true,
    limits: { fileSize: limits.maxFileBytes, files: limits.remainingFiles, fields: 10 },
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: DomainError) => {
      failure ??= error;
      request.unpipe(parser);
      request.resume();
      reject(failure);
    };
    parser.on('file', (_field, stream, info) => {
      let components: string[];
      try {
        components = uploadPathComponents(info.filename ?? '');
      } catch (error) {
        stream.resume();
        fail(error as DomainError);
        return;
      }
      const target = join(folder, ...components);
      paths.push(components.join('/'));
      stream.on('limit', () =>
        fail(new DomainError('payload_too_large', `file ${info.filename} exceeds the single-file size limit`)),
      );
      // The pipeline is attached at once: a listener added later would miss the first chunks.
      mkdirSync(dirname(target), { recursive: true });
      writes.push(
        pipeline(
          stream,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              bytes += chunk.length;
              if (bytes > limits.remainingBytes)
                throw new DomainError('payload_too_large', 'the import exceeds its total size limit');
              yield chunk;
            }
          },
          createWriteStream(target, { flags: 'wx' }),
        ).catch((error: unknown) => {
          fail(
            error instanceof DomainError
              ? error
              : new DomainError(
                  'invalid_input',
                  `file ${info.filename} could not be received: ${(error as Error).message}`,
                ),
          );
        }),
      );
    });
    parser.on('filesLimit', () =>
      fail(new DomainError('payload_too_large', 'the import exceeds its file count limit')),
    );
    parser.on('error', (error: Error) =>
      fail(new DomainError('invalid_input', `malformed multipart upload: ${error.message}`)),
    );
    parser.on('close', () => {
      Promise.all(writes).then(() => (failure === undefined ? resolve() : reject(failure)), reject);
    });
    request.pipe(parser);
  });
  return paths;
}

/** Streams the raw request body (a zip) to `file`, refusing it once it passes `maxBytes`. */
async function receiveBody(request: Request, file: string, maxBytes: number): Promise<void> {
  let bytes = 0;
  await mkdir(dirname(file), { recursive: true });
  await pipeline(
    request,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new DomainError('payload_too_large', 'the zip exceeds the import size limit');
        yield chunk;
      }
    },
    createWriteStream(file),
  );
}

export function importRoutes(services: SidecarServices) {
  const { importer, config } = services;
  const workDir = config.import.workDir;

  async function batchOutcomes(id: string, paths: string[]) {
    const wanted = new Set(paths);
    const files = await importer.sessions.files(id);
    return files
      .filter((file) => wanted.has(file.path))
      .map(({ path, outcome, reason }) => ({ path, outcome, reason }));
  }

  return [
    defineRoute({
      method: 'post',
      path: '/api/imports',
      summary: 'Start an import session for one medium or upload.',
      tag: 'imports',
      access: IMPORTERS,
      status: 201,
      body: z.object({
        department: z.string().trim().min(1).max(64),
        sourceLabel: z.string().trim().max(200).default('web upload'),
        sourceKind: sourceKindSchema.default('upload'),
        patient: claimedPatientSchema.default({}),
      }),
      response: z.object({ import: importSessionSchema }),
      async handler({ body, actor }) {
        const session = await importer.createSession({
          createdBy: { id: actor.userId, username: actor.username ?? 'unknown' },
          department: body.department,
          sourceLabel: body.sourceLabel,
          sourceKind: body.sourceKind,
          patient: body.patient,
        });
        return { import: session };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/imports/:id/files',
      summary: 'Upload files into an import (multipart; each part named `file`, its filename the relative path).',
      tag: 'imports',
      access: IMPORTERS,
      params: idParams,
      response: batchResultSchema,
      async handler({ params, request }) {
        if (!request.is('multipart/form-data')) throw new DomainError('invalid_input', 'expected multipart/form-data');
        const counts = await importer.counts(params.id);
        const folder = join(workDir, params.id, randomUUID());
        try {
          const paths = await receiveMultipart(request, folder, {
            maxFileBytes: config.import.maxFileBytes,
            remainingFiles: Math.max(0, config.import.maxFiles - counts.files),
            remainingBytes: Math.max(0, config.import.maxSessionBytes - counts.bytes),
          });
          if (paths.length === 0) return { received: 0, outcomes: [] };
          await importer.importFolder(params.id, folder);
          return { received: paths.length, outcomes: await batchOutcomes(params.id, paths) };
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/imports/:id/zip',
      summary: 'Upload one zip into an import (raw body, application/zip).',
      tag: 'imports',
      access: IMPORTERS,
      params: idParams,
      response: batchResultSchema,
      async handler({ params, request }) {
        const counts = await importer.counts(params.id);
        const scratch = join(workDir, params.id, randomUUID());
        const zipFile = `${scratch}.zip`;
        try {
          await receiveBody(request, zipFile, Math.max(0, config.import.maxSessionBytes - counts.bytes));
          const extracted = await extractZip(zipFile, scratch, {
            maxEntries: config.import.zipMaxEntries,
            maxTotalBytes: Math.max(1, config.import.maxSessionBytes - counts.bytes),
            maxEntryBytes: config.import.maxFileBytes,
            maxExpansionRatio: config.import.zipMaxExpansionRatio,
          });
          if (!extracted.ok) {
            throw new DomainError(
              ZIP_ERROR_STATUS[extracted.error.code] ?? 'invalid_input',
              `zip refused: ${extracted.error.message}`,
              {
                reason: extracted.error.code,
              },
            );
          }
          const before = new Set((await importer.sessions.files(params.id)).map((file) => file.path));
          await importer.importFolder(params.id, scratch, { recordDicomdir: true });
          const outcomes = (await importer.sessions.files(params.id))
            .filter((file) => !before.has(file.path))
            .map(({ path, outcome, reason }) => ({ path, outcome, reason }));
          return { received: outcomes.length, outcomes };
        } finally {
          await rm(scratch, { recursive: true, force: true });
          await rm(zipFile, { force: true });
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/imports/:id/finish',
      summary: 'Finish an import: its studies become ready and the report is final.',
      tag: 'imports',
      access: IMPORTERS,
      params: idParams,
      response: z.object({ import: importSessionSchema }),
      async handler({ params, actor }) {
        return { import: await importer.finish(params.id, actor) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/imports',
      summary: 'Recent imports, newest first, with their studies.',
      tag: 'imports',
      access: IMPORTERS,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: z.object({ imports: z.array(importSessionSchema) }),
      async handler({ query, actor }) {
        const imports = await importer.sessions.list(query.limit);
        await services.audit.record({
          type: 'query',
          actor,
          object: { type: 'import-list', id: 'imports' },
          details: { returned: imports.length, importIds: imports.map((session) => session.id) },
        });
        return { imports };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/imports/:id',
      summary: 'One import with the outcome of every file.',
      tag: 'imports',
      access: IMPORTERS,
      params: idParams,
      response: z.object({
        import: importSessionSchema,
        files: z.array(importFileReportSchema),
        mediaIndex: mediaIndexSummarySchema.nullable(),
      }),
      async handler({ params, actor }) {
        const session = await importer.sessions.get(params.id);
        await services.audit.record({ type: 'patientRecordRead', actor, object: { type: 'import', id: params.id } });
        return {
          import: session,
          files: await importer.sessions.files(params.id),
          mediaIndex: await importer.sessions.mediaIndex(params.id),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/imports/:id/events',
      summary: 'Server-sent events: `progress` while files are imported, `finished` with the report.',
      tag: 'imports',
      access: IMPORTERS,
      params: idParams,
      response: z.unknown(),
      async handler({ params, request, response }) {
        const counts = await importer.counts(params.id);
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        const send = (event: string, data: unknown) =>
          response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('progress', { counts });
        const session = await importer.sessions.get(params.id);
        if (session.state === 'finished' || session.state === 'failed') {
          send('finished', { import: session });
          response.end();
          return undefined;
        }
        const unsubscribe = await importer.subscribe(params.id, {
          progress: (progress) => send('progress', progress),
          finished: (finished) => {
            send('finished', { import: finished });
            response.end();
          },
        });
        await new Promise<void>((resolve) => request.on('close', resolve));
        unsubscribe();
        return undefined;
      },
    }),
  ];
}
