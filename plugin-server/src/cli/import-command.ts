import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { locateImportSocket } from '../config/config-sources.ts';
import type { ImportSession } from '../domain/import-session.ts';
import type { ImportProgress } from '../import/importer.ts';
import { importThroughSocket } from '../import/import-socket-client.ts';
import type { MediaImportReport, MediaImportRequest } from '../import/media-import-protocol.ts';

export interface ImportCommandOptions {
  /** `--config`: the configuration file, else OUTSIDE_CONFIG. */
  configFile?: string;
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

/** The report: summary, what the DICOMDIRs said, and the files with problems. */
function printReport(report: MediaImportReport): void {
  const { session } = report;
  process.stdout.write(
    `import ${session.id} from ${report.sourceLabel}: ${session.counts.files} files, ` +
      `${megabytes(session.counts.bytes)} MB in ${report.seconds.toFixed(1)} s\n${summaryTable(session)}\n`,
  );
  for (const dicomdir of report.mediaIndex?.dicomdirs ?? []) {
    const declared =
      dicomdir.declared === null
        ? `unreadable (${dicomdir.error ?? ''})`
        : `declares ${dicomdir.declared.instances} files`;
    process.stdout.write(
      `  ${dicomdir.path}: ${declared}, ${dicomdir.missingCount} missing, ${dicomdir.refused.length} references refused\n`,
    );
  }
  if (report.mediaIndex !== null && report.mediaIndex.unlistedCount > 0) {
    process.stdout.write(`  ${report.mediaIndex.unlistedCount} DICOM files are not listed in any DICOMDIR\n`);
  }
  for (const file of report.problems) process.stdout.write(`  ${file.outcome}: ${file.path}: ${file.reason ?? ''}\n`);
  if (report.problemCount > report.problems.length) {
    process.stdout.write(`  ... and ${report.problemCount - report.problems.length} more (see the import report)\n`);
  }
}

/** Imports in this process: only what importing needs, without the web layer and the workers. */
async function importHere(
  configFile: string | undefined,
  request: MediaImportRequest,
  onProgress: (progress: ImportProgress) => void,
): Promise<MediaImportReport> {
  const [{ loadConfig }, { parseImportRequest }, { openImportServices }, { runMediaImport }, { createLogger }] =
    await Promise.all([
      import('../config/config-loader.ts'),
      import('../import/media-import-protocol.ts'),
      import('../import/import-services.ts'),
      import('../import/run-media-import.ts'),
      import('../logger.ts'),
    ]);
  const config = loadConfig(configFile === undefined ? {} : { file: configFile });
  const parsed = parseImportRequest(request);
  const services = await openImportServices(
    config,
    createLogger(config.log.level === 'info' ? 'warn' : config.log.level),
  );
  try {
    return await runMediaImport({ importer: services.importer, config: config.import }, parsed, onProgress);
  } finally {
    await services.close();
  }
}

/**
 * `outside import PATH|FILE.zip`: imports a folder or zip into the staging Orthanc, through the
 * running sidecar when there is one (its control socket), else in this process. Exit status 0 only
 * if every DICOM file was stored or already stored.
 */
export async function importCommand(options: ImportCommandOptions): Promise<number> {
  const request: MediaImportRequest = {
    path: resolve(options.path),
    department: options.department,
    ...(options.mrn === undefined ? {} : { mrn: options.mrn }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.birthDate === undefined ? {} : { birthDate: options.birthDate }),
    operator: `cli:${userInfo().username}`,
    progress: process.stderr.isTTY,
  };
  const startedAt = Date.now();
  const interactive = process.stderr.isTTY;
  const onProgress = (progress: ImportProgress) => {
    if (interactive) process.stderr.write(`\r${progressLine(progress, startedAt)}\u001b[K`);
  };
  // The running sidecar is found from two settings, before the whole configuration (and its
  // schema) is loaded: that is only needed when the command imports by itself.
  const socket = locateImportSocket({
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
    env: process.env,
  });
  const report =
    (socket === undefined ? undefined : await importThroughSocket(socket, request, onProgress)) ??
    (await importHere(options.configFile, request, onProgress));
  if (interactive) process.stderr.write('\n');
  printReport(report);
  return report.problemCount === 0 ? 0 : 1;
}
