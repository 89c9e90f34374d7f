import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/config-schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { ImportSession } from '../domain/import-session.ts';
import { extractZip } from '../import/extract-zip.ts';
import type { ImportProgress } from '../import/importer.ts';
import { openImportServices } from '../import/import-services.ts';
import { createLogger } from '../logger.ts';

export interface ImportCommandOptions {
  path: string;
  mrn?: string;
  name?: string;
  birthDate?: string;
  department: string;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** One self-overwriting line on a terminal: files and MB done, rate and time left. */
function progressLine(progress: ImportProgress, startedAt: number): string {
  const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
  const rate = progress.bytesDone / seconds;
  const fraction = progress.bytesTotal === 0 ? 1 : progress.bytesDone / progress.bytesTotal;
  const width = 30;
  const filled = Math.round(fraction * width);
  const eta = rate > 0 ? Math.ceil((progress.bytesTotal - progress.bytesDone) / rate) : 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
    `${progress.filesDone}/${progress.filesTotal} files, ${megabytes(progress.bytesDone)}/${megabytes(progress.bytesTotal)} MB, ` +
    `${megabytes(rate)} MB/s, ${(progress.filesDone / seconds).toFixed(0)} files/s, ETA ${eta} s`
  );
}

export function summaryTable(session: ImportSession): string {
  const { counts } = session;
  const rows: [string, number][] = [
    ['stored', counts.stored],
    ['already stored', counts.alreadyStored],
    ['duplicate on media', counts.duplicateOnMedia],
    ['not DICOM', counts.notDicom],
    ['corrupt', counts.corrupt],
    ['rejected by Orthanc', counts.rejected],
    ['total files', counts.files],
  ];
  const lines = rows.map(([label, value]) => `  ${label.padEnd(20)} ${String(value).padStart(7)}`);
  lines.push(`  ${'studies'.padEnd(20)} ${String(session.studies.length).padStart(7)}`);
  for (const warning of session.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

/**
 * `outside import PATH|FILE.zip`: imports a folder or zip straight into the staging Orthanc.
 * Exit status 0 only if every DICOM file was stored or already stored.
 */
export async function importCommand(config: Config, options: ImportCommandOptions): Promise<number> {
  const source = resolve(options.path);
  const isZip = (await stat(source)).isFile();
  // Only what importing needs: the command starts without the web layer and the workers.
  const services = await openImportServices(
    config,
    createLogger(config.log.level === 'info' ? 'warn' : config.log.level),
  );
  const operator = `cli:${userInfo().username}`;
  const actor = { userId: null, username: operator, sourceIp: null };
  let scratch: string | undefined;
  try {
    let folder = source;
    if (isZip) {
      await mkdir(config.import.workDir, { recursive: true });
      scratch = await mkdtemp(join(config.import.workDir, 'cli-'));
      const extracted = await extractZip(source, scratch, {
        maxEntries: config.import.zipMaxEntries,
        maxEntryBytes: config.import.maxFileBytes,
        maxTotalBytes: config.import.maxSessionBytes,
        maxExpansionRatio: config.import.zipMaxExpansionRatio,
      });
      if (!extracted.ok) throw new DomainError('invalid_input', `zip refused: ${extracted.error.message}`);
      folder = scratch;
    }
    const session = await services.importer.createSession({
      createdBy: { id: null, username: operator },
      department: options.department,
      sourceLabel: basename(source),
      sourceKind: isZip ? 'zip' : 'folder',
      patient: {
        ...(options.mrn === undefined ? {} : { mrn: options.mrn }),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.birthDate === undefined ? {} : { birthDate: options.birthDate }),
      },
    });
    const startedAt = Date.now();
    const interactive = process.stderr.isTTY;
    const unsubscribe = await services.importer.subscribe(session.id, {
      progress: (progress) => {
        if (interactive) process.stderr.write(`\r${progressLine(progress, startedAt)}\u001b[K`);
      },
      finished: () => undefined,
    });
    await services.importer.importFolder(session.id, folder, { recordDicomdir: true });
    const finished = await services.importer.finish(session.id, actor);
    unsubscribe();
    const seconds = (Date.now() - startedAt) / 1000;
    if (interactive) process.stderr.write('\n');
    process.stdout.write(
      `import ${finished.id} from ${basename(source)}: ${finished.counts.files} files, ` +
        `${megabytes(finished.counts.bytes)} MB in ${seconds.toFixed(1)} s\n${summaryTable(finished)}\n`,
    );
    const mediaIndex = await services.importer.sessions.mediaIndex(finished.id);
    for (const dicomdir of mediaIndex?.dicomdirs ?? []) {
      const declared =
        dicomdir.declared === null
          ? `unreadable (${dicomdir.error ?? ''})`
          : `declares ${dicomdir.declared.instances} files`;
      process.stdout.write(
        `  ${dicomdir.path}: ${declared}, ${dicomdir.missingCount} missing, ${dicomdir.refused.length} references refused\n`,
      );
    }
    if (mediaIndex !== null && mediaIndex.unlistedCount > 0) {
      process.stdout.write(`  ${mediaIndex.unlistedCount} DICOM files are not listed in any DICOMDIR\n`);
    }
    const problems = (await services.importer.sessions.files(finished.id)).filter(
      (file) => file.outcome === 'corrupt' || file.outcome === 'rejected',
    );
    for (const file of problems.slice(0, 20))
      process.stdout.write(`  ${file.outcome}: ${file.path}: ${file.reason ?? ''}\n`);
    if (problems.length > 20) process.stdout.write(`  ... and ${problems.length - 20} more (see the import report)\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    await services.close();
  }
}
