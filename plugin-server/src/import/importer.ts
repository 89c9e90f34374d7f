import { EventEmitter } from 'node:events';
import { join } from 'node:path';
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
import type { InstanceUploader } from '../orthanc/upload-instance-file.ts';
import { mapConcurrent } from '../shared/map-concurrent.ts';
import { claimedPatientWarnings } from './claimed-patient-warnings.ts';
import { ImportSessionStore, type NewImportSession } from './import-session-store.ts';
import { summarizeMediaIndex } from './media-index-summary.ts';
import { scanMedia } from './scan-media.ts';
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

  /**
   * Imports every file under `root` into session `id`; `pathPrefix` is prepended to the paths
   * recorded (a web upload's batches are folders of their own). Returns the counts of this call.
   */
  async importFolder(
    id: string,
    root: string,
    options: { recordDicomdir?: boolean; pathPrefix?: string } = {},
  ): Promise<ImportCounts> {
    const session = await this.openSession(id);
    const before = { ...session.counts };
    await this.sessions.setState(id, 'importing');
    const scanned = await scanMedia(root, { maxFiles: this.options.maxFiles });
    if (!scanned.ok) throw new DomainError('invalid_input', `the media could not be read: ${scanned.error.message}`);
    const { scan } = scanned;
    const prefix = options.pathPrefix ?? '';
    const toUpload: ScannedFile[] = [];
    const bytesTotal = scan.files.reduce((sum, file) => sum + file.size, 0);
    let bytesDone = 0;
    let filesDone = 0;
    const progress = () => {
      session.events.emit('progress', {
        filesDone,
        filesTotal: scan.files.length,
        bytesDone,
        bytesTotal,
        counts: { ...session.counts },
      });
    };
    for (const file of scan.files) {
      const base = {
        relative_path: prefix + file.path,
        size: file.size,
        sop_instance_uid: file.header?.SOPInstanceUID || null,
        study_instance_uid: file.header?.StudyInstanceUID || null,
        orthanc_instance_id: null,
        orthanc_study_id: null,
      };
      const earlier =
        file.header === undefined ? undefined : session.seenSopInstanceUids.get(file.header.SOPInstanceUID);
      if (file.outcome === 'dicomdir') {
        await this.record(id, session, { ...base, outcome: 'not-dicom', reason: 'DICOMDIR (the index of the media)' });
      } else if (file.outcome === 'not-dicom') {
        await this.record(id, session, {
          ...base,
          outcome: 'not-dicom',
          reason: file.reason ?? file.fileType ?? 'not DICOM',
        });
      } else if (file.outcome === 'corrupt') {
        await this.record(id, session, {
          ...base,
          outcome: 'corrupt',
          reason: file.reason ?? file.reasonCode ?? 'corrupt',
        });
      } else if (file.flags.includes('duplicate-on-media') || earlier !== undefined) {
        const first = earlier ?? prefix + (file.duplicateOf ?? '');
        await this.record(id, session, {
          ...base,
          outcome: 'duplicate-on-media',
          reason: `same SOP Instance UID as ${first}`,
        });
      } else {
        toUpload.push(file);
        if (file.header !== undefined) session.seenSopInstanceUids.set(file.header.SOPInstanceUID, base.relative_path);
        continue;
      }
      filesDone++;
      bytesDone += file.size;
    }
    progress();

    let lastProgress = 0;
    try {
      await mapConcurrent(toUpload, this.options.concurrency, async (file) => {
        const outcome = await this.uploader.upload(join(root, file.path));
        const base = {
          relative_path: prefix + file.path,
          size: file.size,
          sop_instance_uid: file.header?.SOPInstanceUID ?? null,
          study_instance_uid: file.header?.StudyInstanceUID ?? null,
        };
        if (outcome.kind === 'rejected') {
          await this.record(id, session, {
            ...base,
            outcome: 'rejected',
            reason: outcome.reason,
            orthanc_instance_id: null,
            orthanc_study_id: null,
          });
        } else {
          await this.record(id, session, {
            ...base,
            outcome: outcome.kind,
            reason: null,
            orthanc_instance_id: outcome.result.ID,
            orthanc_study_id: outcome.result.ParentStudy,
          });
        }
        filesDone++;
        bytesDone += file.size;
        if (Date.now() - lastProgress > 200) {
          lastProgress = Date.now();
          progress();
        }
      });
    } catch (error) {
      await this.flush(id, session);
      await this.sessions.setState(id, 'failed');
      this.open.delete(id);
      this.log.error({ importId: id, err: error }, 'import failed');
      throw error;
    }
    await this.flush(id, session);
    if (options.recordDicomdir === true) {
      await this.sessions.setState(id, 'importing', { mediaIndex: summarizeMediaIndex(scan.dicomdir, prefix) });
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
    for (const stored of await this.sessions.storedStudies(id)) {
      const result = await fetchStudySnapshot(this.orthanc, stored.orthancStudyId, this.log);
      if (result.kind === 'gone') continue;
      const { snapshot } = result;
      await this.db.transaction().execute(async (trx) => {
        await upsertStudySnapshot(trx, snapshot);
        const study = await trx
          .selectFrom('studies')
          .select(['id', 'state'])
          .where('study_instance_uid', '=', snapshot.StudyInstanceUID)
          .executeTakeFirstOrThrow();
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
    await this.sessions.setState(id, 'finished', { warnings });
    const finished = await this.sessions.get(id);
    session.events.emit('finished', finished);
    this.open.delete(id);
    this.log.info({ importId: id, counts: finished.counts, studies: finished.studies.length }, 'import finished');
    return finished;
  }
}
