import type { Hl7Tables } from '@outside/hl7-bridge';
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// Row types of the sidecar database. Timestamps are ISO-8601 UTC text and JSON columns are text,
// so one schema runs on SQLite and PostgreSQL; JSON columns are parsed with zod where read.

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  source_ip: string;
  user_agent: string;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  occurred_at: string;
  event_id: string;
  event_name: string;
  action: string;
  outcome: number;
  user_id: string | null;
  username: string | null;
  source_ip: string | null;
  object_type: string | null;
  object_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface ChangeFeedTable {
  name: string;
  last_seq: number;
  last_sweep_at: string | null;
  updated_at: string;
}

export interface StudiesTable {
  id: string;
  study_instance_uid: string;
  orthanc_id: string | null;
  state: string;
  original_patient_id: string;
  original_issuer_of_patient_id: string;
  original_patient_name: string;
  original_patient_birth_date: string;
  original_patient_sex: string;
  original_accession_number: string;
  study_date: string;
  study_description: string;
  institution_name: string;
  modalities: string;
  series_count: number;
  instance_count: number;
  first_seen_at: string;
  updated_at: string;
  /** Department of the import that brought the study (the latest one). */
  department: string | null;
  /** The MRN the front desk said the study belongs to. */
  claimed_mrn: string | null;
  claimed_mrn_issuer: string | null;
  /** JSON MatchResult of the last matching run. */
  match_result: string | null;
  matched_at: string | null;
  /** Why the study waits on the radiology worklist; null when it does not. */
  review_reason: string | null;
  review_since: string | null;
  /** How it was reconciled: auto, confirmed, manual, reference-only. */
  resolution: string | null;
  resolved_by: string | null;
  /** The local identity the study is (or will be) coerced to. */
  local_mrn: string | null;
  local_mrn_issuer: string | null;
  local_patient_name: string | null;
  local_patient_birth_date: string | null;
  local_patient_sex: string | null;
  local_accession_number: string | null;
  matched_order_id: number | null;
  /** none | pending | done | failed: the state of the latest coercion job. */
  coercion_state: string | null;
  /** The Patient ID the study's coerced instances carry in Orthanc. */
  coerced_patient_id: string | null;
  /** 1 when matching must run again (new study, new or changed order, on demand). */
  match_needed: Generated<number>;
}

export interface StudyTransitionsTable {
  seq: Generated<number>;
  study_id: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  reason: string;
  occurred_at: string;
}

export interface ImportSessionsTable {
  id: string;
  created_at: string;
  finished_at: string | null;
  created_by_user_id: string | null;
  created_by_username: string;
  department: string;
  source_label: string;
  source_kind: string;
  patient_mrn: string | null;
  patient_name: string | null;
  patient_birth_date: string | null;
  state: string;
  counts: string;
  warnings: string;
  dicomdir_report: string | null;
}

export interface ImportFilesTable {
  seq: Generated<number>;
  import_id: string;
  relative_path: string;
  size: number;
  outcome: string;
  reason: string | null;
  sop_instance_uid: string | null;
  study_instance_uid: string | null;
  orthanc_instance_id: string | null;
  orthanc_study_id: string | null;
  recorded_at: string;
}

export interface ImportStudiesTable {
  import_id: string;
  study_instance_uid: string;
  orthanc_study_id: string | null;
  instance_count: number;
}

export interface CoercionJobsTable {
  id: Generated<number>;
  study_id: string;
  /** pending | running | retry_wait | done | failed | superseded */
  state: string;
  /** JSON CoercionPlan. */
  plan: string;
  orthanc_job_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string | null;
  requested_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface EventCursorsTable {
  name: string;
  last_id: number;
  updated_at: string;
}

export interface DestinationsTable {
  id: string;
  name: string;
  /** dicom | orthanc-peer | dicomweb */
  kind: string;
  aet: string | null;
  host: string;
  port: number;
  url: string | null;
  username: string | null;
  /** Never returned by the API. */
  password: string | null;
  concurrency: number;
  enabled: number;
  /** 1: ask for storage commitment and verify with its report (DICOM only). */
  storage_commitment: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface RoutingRulesTable {
  id: string;
  position: number;
  name: string;
  /** JSON RuleMatch. */
  match: string;
  /** JSON array of destination names. */
  destinations: string;
  is_default: number;
  enabled: number;
  updated_at: string;
}

export interface RouteJobsTable {
  id: Generated<number>;
  study_id: string;
  destination_id: string;
  /** RouteJobState. */
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  instances_sent: number;
  instances_verified: number;
  requested_by: string;
  created_at: string;
  updated_at: string;
}

export interface RouteJobEventsTable {
  id: Generated<number>;
  job_id: number;
  from_state: string | null;
  to_state: string;
  detail: string;
  occurred_at: string;
}

export interface StudyTagsTable {
  study_id: string;
  /** reference | second-read */
  tag: string;
  tagged_by: string;
  tagged_at: string;
  note: string;
}

export interface ShareLinksTable {
  id: string;
  study_id: string;
  token_hash: string;
  /** scrypt hash of the PIN told by phone; null when the link has none. */
  pin_hash: string | null;
  recipient: string;
  purpose: string;
  created_by_user_id: string;
  created_by_username: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  use_count: Generated<number>;
  last_used_at: string | null;
  /** 1 once the link's expiry was written to the audit log. */
  expiry_audited: Generated<number>;
}

export interface ShareSessionsTable {
  id_hash: string;
  share_id: string;
  created_at: string;
  expires_at: string;
  source_ip: string;
  user_agent: string;
}

export interface CoreTables {
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  change_feed: ChangeFeedTable;
  studies: StudiesTable;
  study_transitions: StudyTransitionsTable;
  import_sessions: ImportSessionsTable;
  import_files: ImportFilesTable;
  import_studies: ImportStudiesTable;
  coercion_jobs: CoercionJobsTable;
  event_cursors: EventCursorsTable;
  destinations: DestinationsTable;
  routing_rules: RoutingRulesTable;
  route_jobs: RouteJobsTable;
  route_job_events: RouteJobEventsTable;
  study_tags: StudyTagsTable;
  share_links: ShareLinksTable;
  share_sessions: ShareSessionsTable;
}

/** Every table of the sidecar database: its own, and those the HL7 bridge owns. */
export type Database = CoreTables & Hl7Tables;

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type StudyRow = Selectable<StudiesTable>;
export type NewStudyRow = Insertable<StudiesTable>;
export type StudyRowUpdate = Updateable<StudiesTable>;
export type ImportSessionRow = Selectable<ImportSessionsTable>;
export type NewImportFileRow = Insertable<ImportFilesTable>;
export type CoercionJobRow = Selectable<CoercionJobsTable>;
export type DestinationRow = Selectable<DestinationsTable>;
export type RoutingRuleRow = Selectable<RoutingRulesTable>;
export type RouteJobRow = Selectable<RouteJobsTable>;
