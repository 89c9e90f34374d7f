import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import { fetchStudySnapshot } from '../changes/study-snapshot.ts';
import { CHANGE_FEED_ACTOR, recordTransition, upsertStudySnapshot } from '../changes/study-repository.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, NewImportFileRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import {
  COUNT_KEY,
  EMPTY_COUNTS,
  type ImportCounts,
  type ImportOutcome,
  type ImportSession,
} from '../domain/import-session.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { WHOLE_FILE_LIMIT, type InstanceUploader } from '../orthanc/upload-instance-file.ts';
import { claimedPatientWarnings } from './claimed-patient-warnings.ts';
import { ImportSessionStore, type NewImportSession } from './import-session-store.ts';
import { summarizeMediaIndex } from './media-index-summary.ts';
import { scanMedia } from './scan-media.ts';
import { walkMedia } from './walk-media.ts';
import type { ScannedFile } from './scan-types.ts';

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  counts: ImportCounts;
}

export interface ImportEvents {
  progress: [ImportProgress];
  finished: [ImportSession];
}

/** Rows are written in batches: one durable commit per file would cost more than the upload. */
const FLUSH_EVERY_FILES = 200;

interface OpenSession {
  counts: ImportCounts;
  seenSopInstanceUids: Map<string, string>;
  pending: NewImportFileRow[];
  events: EventEmitter<ImportEvents>;
}

/**
 * Puts media into the staging Orthanc: scans a folder (the scanner decides what is DICOM), sends
 * every DICOM file with bounded concurrency, and records each file's outcome. One bad file never
 * stops the rest; Orthanc being unreachable stops the import (it would fail every file alike).
 */
export class Importer {
  readonly sessions: ImportSessionStore;
  private readonly db: Kysely<Database>;
  private readonly orthanc: OrthancClient;
  private readonly uploader: InstanceUploader;
  private readonly audit: AuditLog;
  private readonly log: Logger;
  private readonly options: Config['import'];
  private readonly open = new Map<string, OpenSession>();

  constructor(deps: {
    db: Kysely<Database>;
    orthanc: OrthancClient;
    uploader: InstanceUploader;
    audit: AuditLog;
    log: Logger;
    options: Config['import'];
  }) {
    this.db = deps.db;
    this.sessions = new ImportSessionStore(deps.db);
    this.orthanc = deps.orthanc;
    this.uploader = deps.uploader;
    this.audit = deps.audit;
    this.log = deps.log.child({ component: 'importer' });
    this.options = deps.options;
  }

  async createSession(input: NewImportSession): Promise<ImportSession> {
    const id = await this.sessions.create(input);
    return this.sessions.get(id);
  }

  private async openSession(id: string): Promise<OpenSession> {
    const existing = this.open.get(id);
    if (existing !== undefined) return existing;
    const row = await this.sessions.row(id);
    if (row.state === 'finished' || row.state === 'failed') {
      throw new DomainError('conflict', `import ${id} is ${row.state}; start a new import`);
    }
    const session: OpenSession = {
      counts: (await this.sessions.get(id)).counts,
      seenSopInstanceUids: await this.sessions.importedSopInstanceUids(id),
      pending: [],
      events: new EventEmitter<ImportEvents>(),
    };
    this.open.set(id, session);
    return session;
  }

  /** Listens to one session's progress; returns the function that stops listening. */
  async subscribe(
    id: string,
    listener: { progress(p: ImportProgress): void; finished(s: ImportSession): void },
  ): Promise<() => void> {
    const session = await this.openSession(id);
    session.events.on('progress', listener.progress);
    session.events.on('finished', listener.finished);
    return () => {
      session.events.off('progress', listener.progress);
      session.events.off('finished', listener.finished);
    };
  }

  /** The session's counts so far (also for sessions not open in this process). */
  async counts(id: string): Promise<ImportCounts> {
    return this.open.get(id)?.counts ?? (await this.sessions.get(id)).counts;
  }

  private async flush(id: string, session: OpenSession): Promise<void> {
    const rows = session.pending.splice(0);
    await this.sessions.recordFiles(id, rows, session.counts);
  }

  private async record(
    id: string,
    session: OpenSession,
    row: Omit<NewImportFileRow, 'import_id' | 'recorded_at'> & { outcome: ImportOutcome },
  ): Promise<void> {
    session.pending.push({ ...row, import_id: id, recorded_at: new Date().toISOString() });
    session.counts[COUNT_KEY[row.outcome]] += 1;
    session.counts.files += 1;
    session.counts.bytes += row.size;
    if (session.pending.length >= FLUSH_EVERY_FILES) await this.flush(id, session);
  }

  /** Files and bytes under `root`, from metadata only, so progress can show totals from the start. */
  private async measure(root: string): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    try {
      for await (const entry of walkMedia(root, { maxFiles: this.options.maxFiles, maxDepth: 64 })) {
        files++;
        if (entry.kind === 'file') bytes += (await stat(entry.absolutePath)).size;
      }
    } catch {
      // The scan itself reports what is wrong with the medium.
    }
    return { files, bytes };
  }

  /** Turns one classified file into its outcome: recorded as it is, or uploaded to Orthanc. */
  private async importScannedFile(
    id: string,
    session: OpenSession,
    file: ScannedFile,
    absolutePath: string,
    contents: Buffer | undefined,
    prefix: string,
  ): Promise<void> {
    const relativePath = prefix + file.path;
    const base = {
      relative_path: relativePath,
      size: file.size,
      sop_instance_uid: file.header?.SOPInstanceUID || null,
      study_instance_uid: file.header?.StudyInstanceUID || null,
      orthanc_instance_id: null,
      orthanc_study_id: null,
    };
    if (file.outcome === 'dicomdir') {
      return this.record(id, session, { ...base, outcome: 'not-dicom', reason: 'DICOMDIR (the index of the media)' });
    }
    if (file.outcome === 'not-dicom') {
      return this.record(id, session, {
        ...base,
        outcome: 'not-dicom',
        reason: file.reason ?? file.fileType ?? 'not DICOM',
      });
    }
    if (file.outcome === 'corrupt' || file.header === undefined) {
      return this.record(id, session, {
        ...base,
        outcome: 'corrupt',
        reason: file.reason ?? file.reasonCode ?? 'corrupt',
      });
    }
    // First come, first stored: the check and the claim happen before any await, so two workers
    // holding copies of one instance cannot both upload it.
    const earlier = session.seenSopInstanceUids.get(file.header.SOPInstanceUID);
    if (earlier !== undefined) {
      return this.record(id, session, {
        ...base,
        outcome: 'duplicate-on-media',
        reason: `same SOP Instance UID as ${earlier}`,
      });
    }
    session.seenSopInstanceUids.set(file.header.SOPInstanceUID, relativePath);
    const outcome = await this.uploader.upload(absolutePath, contents);
    if (outcome.kind === 'rejected') {
      return this.record(id, session, { ...base, outcome: 'rejected', reason: outcome.reason });
    }
    return this.record(id, session, {
      ...base,
      outcome: outcome.kind,
      reason: null,
      orthanc_instance_id: outcome.result.ID,
      orthanc_study_id: outcome.result.ParentStudy,
    });
  }

  /**
   * Imports every file under `root` into session `id`; `pathPrefix` is prepended to the paths
   * recorded. Files are uploaded as the scan classifies them (header reads and uploads overlap).
   * Returns the counts of this call.
   */
  async importFolder(
    id: string,
    root: string,
    options: { recordDicomdir?: boolean; pathPrefix?: string } = {},
  ): Promise<ImportCounts> {
    const session = await this.openSession(id);
    const before = { ...session.counts };
    await this.sessions.setState(id, 'importing');
    const prefix = options.pathPrefix ?? '';
    // The totals are counted beside the import, not before it: the first files are on their way
    // to Orthanc while the walk counts, and progress is reported once the totals are known.
    let totals: { files: number; bytes: number } | undefined;
    let filesDone = 0;
    let bytesDone = 0;
    let lastProgress = 0;
    const progress = () => {
      if (totals === undefined) return;
      lastProgress = Date.now();
      session.events.emit('progress', {
        filesDone,
        filesTotal: Math.max(totals.files, filesDone),
        bytesDone,
        bytesTotal: Math.max(totals.bytes, bytesDone),
        counts: { ...session.counts },
      });
    };
    const measuring = this.measure(root).then((measured) => {
      totals = measured;
      progress();
    });
    let scanned: Awaited<ReturnType<typeof scanMedia>>;
    try {
      scanned = await scanMedia(
        root,
        { maxFiles: this.options.maxFiles, concurrency: this.options.concurrency },
        {
          // Each image is read once: the scan's read is what gets uploaded.
          contentsUpTo: WHOLE_FILE_LIMIT,
          onFile: async (file, absolutePath, contents) => {
            await this.importScannedFile(id, session, file, absolutePath, contents, prefix);
            filesDone++;
            bytesDone += file.size;
            if (Date.now() - lastProgress > 200) progress();
          },
        },
      );
    } catch (error) {
      await this.flush(id, session);
      await this.sessions.setState(id, 'failed');
      this.open.delete(id);
      this.log.error({ importId: id, err: error }, 'import failed');
      throw error;
    }
    await this.flush(id, session);
    await measuring;
    if (!scanned.ok) throw new DomainError('invalid_input', `the media could not be read: ${scanned.error.message}`);
    if (options.recordDicomdir === true) {
      await this.sessions.setState(id, 'importing', { mediaIndex: summarizeMediaIndex(scanned.scan.dicomdir, prefix) });
    }
    progress();
    const delta = { ...EMPTY_COUNTS };
    for (const key of Object.keys(delta) as (keyof ImportCounts)[]) delta[key] = session.counts[key] - before[key];
    return delta;
  }

  /**
   * Ends the session: every study it stored is recorded and becomes `ready` at once (no waiting
   * for Orthanc's StableAge), the claimed identity is compared with the media, and the import of
   * each study is audited.
   */
  async finish(id: string, actor: AuditActor): Promise<ImportSession> {
    const session = await this.openSession(id);
    await this.flush(id, session);
    const row = await this.sessions.row(id);
    const mediaPatients = [];
    const reimported: string[] = [];
    for (const stored of await this.sessions.storedStudies(id)) {
      const result = await fetchStudySnapshot(this.orthanc, stored.orthancStudyId, this.log);
      if (result.kind === 'gone') continue;
      const { snapshot } = result;
      await this.db.transaction().execute(async (trx) => {
        await upsertStudySnapshot(trx, snapshot);
        const study = await trx
          .selectFrom('studies')
          .select(['id', 'state', 'coerced_patient_id'])
          .where('study_instance_uid', '=', snapshot.StudyInstanceUID)
          .executeTakeFirstOrThrow();
        if (study.coerced_patient_id !== null && study.coerced_patient_id !== snapshot.original.patientId) {
          reimported.push(snapshot.StudyInstanceUID);
          return;
        }
        // The front desk's statement of whose study this is, for the matcher.
        await trx
          .updateTable('studies')
          .set({
            department: row.department,
            ...(row.patient_mrn === null ? {} : { claimed_mrn: row.patient_mrn }),
          })
          .where('id', '=', study.id)
          .where('resolution', 'is', null)
          .execute();
        if (study.state === 'received' || study.state === 'ready' || study.state === 'identified') {
          await trx
            .updateTable('studies')
            .set({ match_needed: 1 })
            .where('id', '=', study.id)
            .where('resolution', 'is', null)
            .execute();
        }
        if (study.state === 'received') {
          await trx
            .updateTable('studies')
            .set({ state: 'ready', updated_at: new Date().toISOString() })
            .where('id', '=', study.id)
            .execute();
          await recordTransition(
            trx,
            study.id,
            'received',
            'ready',
            actor.username ?? CHANGE_FEED_ACTOR,
            `import ${id} finished`,
          );
        }
      });
      await this.sessions.linkStudy(id, snapshot.StudyInstanceUID, snapshot.orthancId, stored.files);
      mediaPatients.push({
        patientId: snapshot.original.patientId,
        patientName: snapshot.original.patientName,
        patientBirthDate: snapshot.original.patientBirthDate,
      });
      const study = await this.db
        .selectFrom('studies')
        .select('id')
        .where('study_instance_uid', '=', snapshot.StudyInstanceUID)
        .executeTakeFirstOrThrow();
      await this.audit.record({
        type: 'studyImported',
        actor,
        object: { type: 'study', id: study.id },
        details: { importId: id, instances: stored.files, department: row.department },
      });
    }
    const warnings = claimedPatientWarnings(
      {
        ...(row.patient_mrn === null ? {} : { mrn: row.patient_mrn }),
        ...(row.patient_name === null ? {} : { name: row.patient_name }),
        ...(row.patient_birth_date === null ? {} : { birthDate: row.patient_birth_date }),
      },
      mediaPatients,
    );
    for (const uid of reimported) {
      warnings.push(
        `Study ${uid} was imported and reconciled before: its instances are folded into the reconciled study, not duplicated.`,
      );
    }
    await this.sessions.setState(id, 'finished', { warnings });
    const finished = await this.sessions.get(id);
    session.events.emit('finished', finished);
    this.open.delete(id);
    this.log.info({ importId: id, counts: finished.counts, studies: finished.studies.length }, 'import finished');
    return finished;
  }
}
