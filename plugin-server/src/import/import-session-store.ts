import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { studyFromRow } from '../changes/study-repository.ts';
import type { Database, ImportSessionRow, NewImportFileRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import {
  EMPTY_COUNTS,
  importCountsSchema,
  importOutcomeSchema,
  importStateSchema,
  sourceKindSchema,
  type ClaimedPatient,
  type ImportCounts,
  type ImportFileReport,
  type ImportSession,
  type ImportState,
  type ImportStudy,
  type MediaIndexSummary,
  mediaIndexSummarySchema,
  type SourceKind,
} from '../domain/import-session.ts';

const warningsColumnSchema = z.array(z.string());

export interface NewImportSession {
  createdBy: { id: string | null; username: string };
  department: string;
  sourceLabel: string;
  sourceKind: SourceKind;
  patient: ClaimedPatient;
}

/** Import sessions, their file outcomes and their studies, as rows. */
export class ImportSessionStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(input: NewImportSession): Promise<string> {
    const id = randomUUID();
    await this.db
      .insertInto('import_sessions')
      .values({
        id,
        created_at: new Date().toISOString(),
        finished_at: null,
        created_by_user_id: input.createdBy.id,
        created_by_username: input.createdBy.username,
        department: input.department,
        source_label: input.sourceLabel,
        source_kind: input.sourceKind,
        patient_mrn: input.patient.mrn ?? null,
        patient_name: input.patient.name ?? null,
        patient_birth_date: input.patient.birthDate ?? null,
        state: 'open',
        counts: JSON.stringify(EMPTY_COUNTS),
        warnings: '[]',
        dicomdir_report: null,
      })
      .execute();
    return id;
  }

  async row(id: string): Promise<ImportSessionRow> {
    const row = await this.db.selectFrom('import_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `no import session ${id}`);
    return row;
  }

  /** Appends file outcomes and the new counts in one transaction. */
  async recordFiles(id: string, files: NewImportFileRow[], counts: ImportCounts): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < files.length; start += 100) {
        await trx
          .insertInto('import_files')
          .values(files.slice(start, start + 100))
          .execute();
      }
      await trx
        .updateTable('import_sessions')
        .set({ counts: JSON.stringify(counts) })
        .where('id', '=', id)
        .execute();
    });
  }

  async setState(
    id: string,
    state: ImportState,
    extra: { warnings?: string[]; mediaIndex?: MediaIndexSummary } = {},
  ): Promise<void> {
    await this.db
      .updateTable('import_sessions')
      .set({
        state,
        ...(state === 'finished' || state === 'failed' ? { finished_at: new Date().toISOString() } : {}),
        ...(extra.warnings === undefined ? {} : { warnings: JSON.stringify(extra.warnings) }),
        ...(extra.mediaIndex === undefined ? {} : { dicomdir_report: JSON.stringify(extra.mediaIndex) }),
      })
      .where('id', '=', id)
      .execute();
  }

  /** SOP Instance UIDs this session already imported (for duplicate-on-media across batches). */
  async importedSopInstanceUids(id: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('import_files')
      .select(['sop_instance_uid', 'relative_path'])
      .where('import_id', '=', id)
      .where('outcome', 'in', ['stored', 'already-stored', 'rejected'])
      .execute();
    return new Map(
      rows.flatMap((row) => (row.sop_instance_uid === null ? [] : [[row.sop_instance_uid, row.relative_path]])),
    );
  }

  /** Orthanc studies this session stored into, with how many of its files each received. */
  async storedStudies(id: string): Promise<{ StudyInstanceUID: string; orthancStudyId: string; files: number }[]> {
    const rows = await this.db
      .selectFrom('import_files')
      .select((eb) => ['study_instance_uid', 'orthanc_study_id', eb.fn.countAll<number>().as('files')])
      .where('import_id', '=', id)
      .where('outcome', 'in', ['stored', 'already-stored'])
      .groupBy(['study_instance_uid', 'orthanc_study_id'])
      .execute();
    return rows.flatMap((row) =>
      row.study_instance_uid === null || row.orthanc_study_id === null
        ? []
        : [
            {
              StudyInstanceUID: row.study_instance_uid,
              orthancStudyId: row.orthanc_study_id,
              files: Number(row.files),
            },
          ],
    );
  }

  async linkStudy(id: string, StudyInstanceUID: string, orthancStudyId: string, instanceCount: number): Promise<void> {
    await this.db
      .insertInto('import_studies')
      .values({
        import_id: id,
        study_instance_uid: StudyInstanceUID,
        orthanc_study_id: orthancStudyId,
        instance_count: instanceCount,
      })
      .onConflict((oc) =>
        oc
          .columns(['import_id', 'study_instance_uid'])
          .doUpdateSet({ orthanc_study_id: orthancStudyId, instance_count: instanceCount }),
      )
      .execute();
  }

  /** The DICOMDIR check of a folder or zip import; null for web uploads and media without one. */
  async mediaIndex(id: string): Promise<MediaIndexSummary | null> {
    const row = await this.row(id);
    return row.dicomdir_report === null ? null : mediaIndexSummarySchema.parse(JSON.parse(row.dicomdir_report));
  }

  async files(id: string): Promise<ImportFileReport[]> {
    const rows = await this.db
      .selectFrom('import_files')
      .selectAll()
      .where('import_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      path: row.relative_path,
      size: row.size,
      outcome: importOutcomeSchema.parse(row.outcome),
      reason: row.reason,
      studyInstanceUID: row.study_instance_uid,
    }));
  }

  async get(id: string): Promise<ImportSession> {
    const [session] = await this.describe([await this.row(id)]);
    if (session === undefined) throw new DomainError('not_found', `no import session ${id}`);
    return session;
  }

  async list(limit: number): Promise<ImportSession[]> {
    const rows = await this.db
      .selectFrom('import_sessions')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return this.describe(rows);
  }

  private async describe(rows: ImportSessionRow[]): Promise<ImportSession[]> {
    if (rows.length === 0) return [];
    const links = await this.db
      .selectFrom('import_studies')
      .selectAll()
      .where(
        'import_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const uids = [...new Set(links.map((link) => link.study_instance_uid))];
    const studyRows =
      uids.length === 0
        ? []
        : await this.db.selectFrom('studies').selectAll().where('study_instance_uid', 'in', uids).execute();
    const studiesByUid = new Map(studyRows.map((studyRow) => [studyRow.study_instance_uid, studyFromRow(studyRow)]));
    return rows.map((row) => {
      const studies: ImportStudy[] = links
        .filter((link) => link.import_id === row.id)
        .map((link) => {
          const study = studiesByUid.get(link.study_instance_uid);
          return {
            studyId: study?.id ?? null,
            StudyInstanceUID: link.study_instance_uid,
            patientId: study?.original.patientId ?? '',
            patientName: study?.original.patientName ?? '',
            patientBirthDate: study?.original.patientBirthDate ?? '',
            studyDate: study?.studyDate ?? '',
            studyDescription: study?.studyDescription ?? '',
            modalities: study?.modalities ?? [],
            seriesCount: study?.seriesCount ?? 0,
            instanceCount: study?.instanceCount ?? link.instance_count,
          };
        });
      return {
        id: row.id,
        createdAt: row.created_at,
        finishedAt: row.finished_at,
        createdBy: { id: row.created_by_user_id, username: row.created_by_username },
        department: row.department,
        sourceLabel: row.source_label,
        sourceKind: sourceKindSchema.parse(row.source_kind),
        patient: { mrn: row.patient_mrn, name: row.patient_name, birthDate: row.patient_birth_date },
        state: importStateSchema.parse(row.state),
        counts: importCountsSchema.parse(JSON.parse(row.counts)),
        studies,
        warnings: warningsColumnSchema.parse(JSON.parse(row.warnings)),
      };
    });
  }
}
