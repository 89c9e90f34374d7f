import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/config-schema.ts';
import { DomainError } from '../domain/errors.ts';
import { extractZip } from './extract-zip.ts';
import type { Importer, ImportProgress } from './importer.ts';
import type { MediaImportReport, MediaImportRequest } from './media-import-protocol.ts';

// One import of a folder or zip on this machine, start to finish, as `outside import` runs it:
// in its own process, or handed to a running sidecar over the local control socket.

const PROBLEMS_SHOWN = 20;

export async function runMediaImport(
  deps: { importer: Importer; config: Config['import'] },
  request: MediaImportRequest,
  onProgress: (progress: ImportProgress) => void,
): Promise<MediaImportReport> {
  const { importer, config } = deps;
  const source = resolve(request.path);
  const isZip = (await stat(source)).isFile();
  let scratch: string | undefined;
  try {
    let folder = source;
    if (isZip) {
      await mkdir(config.workDir, { recursive: true });
      scratch = await mkdtemp(join(config.workDir, 'cli-'));
      const extracted = await extractZip(source, scratch, {
        maxEntries: config.zipMaxEntries,
        maxEntryBytes: config.maxFileBytes,
        maxTotalBytes: config.maxSessionBytes,
        maxExpansionRatio: config.zipMaxExpansionRatio,
      });
      if (!extracted.ok) throw new DomainError('invalid_input', `zip refused: ${extracted.error.message}`);
      folder = scratch;
    }
    const session = await importer.createSession({
      createdBy: { id: null, username: request.operator },
      department: request.department,
      sourceLabel: basename(source),
      sourceKind: isZip ? 'zip' : 'folder',
      patient: {
        ...(request.mrn === undefined ? {} : { mrn: request.mrn }),
        ...(request.name === undefined ? {} : { name: request.name }),
        ...(request.birthDate === undefined ? {} : { birthDate: request.birthDate }),
      },
    });
    const startedAt = Date.now();
    const unsubscribe = await importer.subscribe(session.id, { progress: onProgress, finished: () => undefined });
    try {
      await importer.importFolder(session.id, folder, { recordDicomdir: true });
    } finally {
      unsubscribe();
    }
    const finished = await importer.finish(session.id, { userId: null, username: request.operator, sourceIp: null });
    const problems = (await importer.sessions.files(finished.id)).filter(
      (file) => file.outcome === 'corrupt' || file.outcome === 'rejected',
    );
    return {
      session: finished,
      sourceLabel: basename(source),
      seconds: (Date.now() - startedAt) / 1000,
      mediaIndex: await importer.sessions.mediaIndex(finished.id),
      problems: problems.slice(0, PROBLEMS_SHOWN),
      problemCount: problems.length,
    };
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}
