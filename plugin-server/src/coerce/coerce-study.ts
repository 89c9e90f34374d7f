import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoercionPlan } from '../domain/coercion.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { mapConcurrent } from '../shared/map-concurrent.ts';
import {
  alreadyCoerced,
  coercionFingerprint,
  coercionReplace,
  hasIdentityHistory,
  type ShortTags,
} from './coercion-tags.ts';

// Rewrites the instances of ONE study in Orthanc to the plan's identity (DESIGN.md section 4),
// keeping the three UIDs. Facts of Orthanc 1.10.1 this is built around:
// - study- and instance-level modify refuse to change PatientID; a patient-level modify rewrites
//   every study of that (outside) Patient ID, and two people may share one in staging;
// - `KeepSource: false` with the UIDs kept can delete the whole study, so sources are always
//   kept by the modification and deleted by us, by instance id, after their copy is verified;
// - Orthanc ids hash the PatientID, so a coerced copy is a different Orthanc study, and deleting
//   the source erases its /changes rows (the follower keys studies by StudyInstanceUID).
// Every step can be repeated: a run finds what is left from the database of Orthanc itself
// (`/tools/lookup` of the StudyInstanceUID, the plan's unique Instance Coercion DateTime), so a
// crash at any point is completed by the next run and never leaves the study split.

const KEEP_UIDS = ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'];
const MAX_PASSES = 5;
// Sources are deleted a few hundred at a time: one call per batch, verified just before.
const DELETE_BATCH = 500;
// The per-instance path stores and then deletes this many sources at a time (progress kept).
const INSTANCE_BATCH = 64;

export type CoercionStrategy = 'patient-level' | 'per-instance' | 'in-place' | 'none';

export interface CoercionOutcome {
  targetStudyId: string;
  instances: number;
  strategies: CoercionStrategy[];
}

export interface CoerceStudyOptions {
  orthanc: OrthancClient;
  plan: CoercionPlan;
  /** Files of this job waiting to be stored again (the in-place path); kept across crashes. */
  spoolDir: string;
  concurrency: number;
  log: Logger;
  /** The Orthanc job started by an earlier run of this coercion, to wait for before anything. */
  orthancJobId: string | null;
  /** Records a started Orthanc job durably before it is waited on. */
  onOrthancJob: (jobId: string) => Promise<void>;
  pollMs?: number;
}

interface OrthancStudyView {
  id: string;
  patientId: string;
  orthancPatientId: string;
}

export async function coerceStudy(options: CoerceStudyOptions): Promise<CoercionOutcome> {
  const { orthanc, plan } = options;
  const strategies: CoercionStrategy[] = [];
  await restoreSpool(options);
  if (options.orthancJobId !== null) await waitForJob(options, options.orthancJobId, true);

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const studies = await studiesOfUid(orthanc, plan.StudyInstanceUID);
    const target = studies.find((study) => study.patientId === plan.target.patientId);
    const sources = studies.filter((study) => study.patientId !== plan.target.patientId);
    if (sources.length === 0) {
      if (target === undefined) {
        throw new DomainError('not_found', `no instances of study ${plan.StudyInstanceUID} are in Orthanc`);
      }
      // Nothing (left) under another Patient ID. If this run found none to begin with, the
      // change keeps the Patient ID, or an earlier run was interrupted: finish the instances that
      // lack this plan. If this run coerced the sources, their copies were verified already.
      if (pass === 0) {
        const rewritten = await coerceInPlace(options, target.id);
        if (rewritten > 0) strategies.push('in-place');
      }
      if (strategies.length === 0) strategies.push('none');
      const instances = await orthanc.studyInstances(target.id);
      return { targetStudyId: target.id, instances: instances.length, strategies };
    }
    for (const source of sources) {
      strategies.push(await coerceSource(options, source));
    }
  }
  throw new DomainError(
    'conflict',
    `study ${plan.StudyInstanceUID} still has instances under another Patient ID after ${MAX_PASSES} passes`,
  );
}

async function studiesOfUid(orthanc: OrthancClient, uid: string): Promise<OrthancStudyView[]> {
  const found = await orthanc.lookup(uid);
  const views: OrthancStudyView[] = [];
  for (const resource of found) {
    if (resource.Type !== 'Study') continue;
    try {
      const study = await orthanc.study(resource.ID);
      views.push({
        id: study.ID,
        patientId: study.PatientMainDicomTags.PatientID ?? '',
        orthancPatientId: study.ParentPatient,
      });
    } catch (error) {
      if (!(isDomainError(error) && error.code === 'not_found')) throw error;
    }
  }
  return views;
}

/** Coerces the instances of one source study; returns the strategy used. */
async function coerceSource(options: CoerceStudyOptions, source: OrthancStudyView): Promise<CoercionStrategy> {
  const { orthanc } = options;
  const instances = await orthanc.studyInstances(source.id);
  if (instances.length === 0) return 'none';
  const patient = await orthanc.patient(source.orthancPatientId);
  const alone = patient.Studies.length === 1 && patient.Studies[0] === source.id;
  // Orthanc's modification job fails on an instance that is already stored, so the patient-level
  // path is only for a first attempt; a resumed one finishes instance by instance.
  const copiesExist = (await studiesOfUid(orthanc, options.plan.StudyInstanceUID)).some(
    (study) => study.patientId === options.plan.target.patientId,
  );
  if (alone && !copiesExist) {
    await coerceWholePatient(options, source, instances);
    return 'patient-level';
  }
  await coerceInstanceByInstance(
    options,
    instances.map((instance) => instance.ID),
  );
  return 'per-instance';
}

/**
 * The fast path, taken when the outside patient holds only this study: one patient-level
 * modification job in Orthanc (sources kept) with the `Replace` of a representative instance,
 * while every source is read for its identity and history items. Instances that differ from the
 * representative are then redone one by one from their source, so no instance loses history.
 */
async function coerceWholePatient(
  options: CoerceStudyOptions,
  source: OrthancStudyView,
  instances: readonly { ID: string; MainDicomTags: { SOPInstanceUID?: string | undefined } }[],
): Promise<void> {
  const { orthanc, plan } = options;
  const first = instances[0];
  if (first === undefined) return;
  const representative = await orthanc.instanceShortTags(first.ID);
  const replace = coercionReplace(representative, plan);
  const jobId = await orthanc.startPatientModification(source.orthancPatientId, {
    Replace: replace,
    Keep: KEEP_UIDS,
    Force: true,
  });
  await options.onOrthancJob(jobId);
  // The job applies the representative's Replace to every instance: right for each instance with
  // the same identity and history (typically all of them, including a study we coerced before).
  const fingerprint = coercionFingerprint(representative);
  const irregular: string[] = [];
  // One reader at a time: more starve Orthanc's job of CPU (measured on 2 cores: 2.8 s alone,
  // 3.2-3.6 s next to 4 readers), and the reads finish well within the job anyway.
  const check = mapConcurrent(instances, 1, async (instance) => {
    const tags = await orthanc.instanceShortTags(instance.ID);
    if (coercionFingerprint(tags) !== fingerprint) irregular.push(instance.ID);
  });
  await Promise.all([check, waitForJob(options, jobId, false)]);

  // Studies that joined the outside patient while the job ran were copied too: remove exactly
  // those copies (they carry this plan's date-time); their originals were kept.
  const after = await orthanc.patient(source.orthancPatientId).catch(() => undefined);
  for (const studyId of after?.Studies ?? []) {
    if (studyId === source.id) continue;
    await removeForeignCopies(options, studyId);
  }

  const redo = irregular;
  if (redo.length > 0) {
    options.log.info(
      { studyUid: plan.StudyInstanceUID, instances: redo.length },
      'coercion redoes instances with history',
    );
    await coerceInstanceByInstance(options, redo, { replaceExisting: true });
  }
  await deleteVerifiedSources(
    options,
    instances.map((instance) => ({ id: instance.ID, sop: instance.MainDicomTags.SOPInstanceUID ?? '' })),
  );
}

/** SOP Instance UIDs of the coerced copies stored so far. */
async function copiedSops(options: CoerceStudyOptions): Promise<Set<string | undefined>> {
  const { orthanc, plan } = options;
  const target = (await studiesOfUid(orthanc, plan.StudyInstanceUID)).find(
    (study) => study.patientId === plan.target.patientId,
  );
  if (target === undefined) return new Set();
  return new Set((await orthanc.studyInstances(target.id)).map((instance) => instance.MainDicomTags.SOPInstanceUID));
}

async function removeForeignCopies(options: CoerceStudyOptions, foreignStudyId: string): Promise<void> {
  const { orthanc, plan } = options;
  const foreign = await orthanc.study(foreignStudyId).catch(() => undefined);
  const uid = foreign?.MainDicomTags.StudyInstanceUID;
  if (uid === undefined || uid === plan.StudyInstanceUID) return;
  for (const copy of await studiesOfUid(orthanc, uid)) {
    if (copy.patientId !== plan.target.patientId) continue;
    const wrong: string[] = [];
    for (const instance of await orthanc.studyInstances(copy.id)) {
      if (alreadyCoerced(await orthanc.instanceShortTags(instance.ID), plan)) wrong.push(instance.ID);
    }
    options.log.warn({ studyUid: uid, instances: wrong.length }, 'removing copies of a study that was not ours');
    await orthanc.bulkDelete(wrong);
  }
}

/**
 * The general path: each source instance is modified, stored under the new identity, and
 * deleted once its copy is stored under another Orthanc id. `replaceExisting` is for sources
 * whose copy already exists (the patient-level job made it without their history): the copy
 * is replaced through the spool, like the in-place path.
 */
async function coerceInstanceByInstance(
  options: CoerceStudyOptions,
  sourceIds: readonly string[],
  { replaceExisting = false } = {},
): Promise<void> {
  const { orthanc, plan } = options;
  for (let start = 0; start < sourceIds.length; start += INSTANCE_BATCH) {
    const batch = sourceIds.slice(start, start + INSTANCE_BATCH);
    const done = await mapConcurrent(batch, options.concurrency, async (sourceId) => {
      let tags: ShortTags;
      try {
        tags = await orthanc.instanceShortTags(sourceId);
      } catch (error) {
        if (isDomainError(error) && error.code === 'not_found') return undefined;
        throw error;
      }
      const bytes = await orthanc.modifiedInstance(sourceId, {
        Replace: coercionReplace(tags, plan),
        Keep: KEEP_UIDS,
        Force: true,
      });
      if (replaceExisting) {
        await replaceThroughSpool(options, bytes, tags);
        return undefined;
      }
      const stored = await orthanc.uploadInstance(bytes);
      if (stored.Status === 'AlreadyStored' && hasIdentityHistory(tags)) {
        // A copy made earlier (by an interrupted patient-level job) may lack this history.
        await replaceThroughSpool(options, bytes, tags);
      }
      const sop = tags['0008,0018'];
      return stored.ID === sourceId || typeof sop !== 'string' ? undefined : { id: sourceId, sop };
    });
    if (!replaceExisting) {
      await deleteVerifiedSources(
        options,
        done.filter((source): source is SourceInstance => source !== undefined),
      );
    }
  }
}

interface SourceInstance {
  id: string;
  sop: string;
}

/**
 * Deletes source instances whose coerced copy is in Orthanc (same SOP Instance UID in the
 * target study): never a source without its copy.
 */
async function deleteVerifiedSources(options: CoerceStudyOptions, sources: readonly SourceInstance[]): Promise<void> {
  const { orthanc, plan } = options;
  if (sources.length === 0) return;
  const copied = await copiedSops(options);
  const missing = sources.filter((source) => !copied.has(source.sop));
  if (missing.length > 0) {
    throw new DomainError(
      'conflict',
      `${missing.length} source instances of study ${plan.StudyInstanceUID} have no coerced copy; sources kept`,
    );
  }
  for (let start = 0; start < sources.length; start += DELETE_BATCH) {
    await orthanc.bulkDelete(sources.slice(start, start + DELETE_BATCH).map((source) => source.id));
  }
}

/** Rewrites target instances that lack this plan (their Patient ID does not change). */
async function coerceInPlace(options: CoerceStudyOptions, targetStudyId: string): Promise<number> {
  const { orthanc, plan } = options;
  const instances = await orthanc.studyInstances(targetStudyId);
  const rewritten = await mapConcurrent(instances, options.concurrency, async (instance) => {
    const tags = await orthanc.instanceShortTags(instance.ID);
    if (alreadyCoerced(tags, plan)) return 0;
    const bytes = await orthanc.modifiedInstance(instance.ID, {
      Replace: coercionReplace(tags, plan),
      Keep: KEEP_UIDS,
      Force: true,
    });
    await replaceThroughSpool(options, bytes, tags);
    return 1;
  });
  return rewritten.reduce<number>((sum, n) => sum + n, 0);
}

/**
 * Replaces an instance whose copy has the same Orthanc id (Orthanc keeps the first of two
 * instances with one id): the new bytes are made durable in the spool, the old instance is
 * deleted, the new one stored, and the spool file removed. A crash in between is finished by
 * restoreSpool() on the next run.
 */
async function replaceThroughSpool(options: CoerceStudyOptions, bytes: Uint8Array, tags: ShortTags): Promise<void> {
  const { orthanc, plan } = options;
  const sop = tags['0008,0018'];
  if (typeof sop !== 'string' || sop === '')
    throw new DomainError('invalid_input', 'an instance has no SOP Instance UID');
  await mkdir(options.spoolDir, { recursive: true });
  const file = join(options.spoolDir, `${sop}.dcm`);
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const existing = (await orthanc.lookup(sop)).filter((resource) => resource.Type === 'Instance');
  for (const resource of existing) {
    const current = await orthanc.instanceShortTags(resource.ID);
    if (current['0010,0020'] === plan.target.patientId) await orthanc.bulkDelete([resource.ID]);
  }
  await orthanc.uploadInstance(bytes);
  await rm(file, { force: true });
}

async function restoreSpool(options: CoerceStudyOptions): Promise<void> {
  let names: string[];
  try {
    names = await readdir(options.spoolDir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.endsWith('.dcm'))) {
    const file = join(options.spoolDir, name);
    await options.orthanc.uploadInstance(new Uint8Array(await readFile(file)));
    await rm(file, { force: true });
  }
}

async function waitForJob(options: CoerceStudyOptions, jobId: string, tolerateUnknown: boolean): Promise<void> {
  const pollMs = options.pollMs ?? 25;
  for (;;) {
    let job;
    try {
      job = await options.orthanc.job(jobId);
    } catch (error) {
      if (tolerateUnknown && isDomainError(error) && error.code === 'not_found') return;
      throw error;
    }
    if (job.State === 'Success') return;
    if (job.State === 'Failure') {
      if (tolerateUnknown) return;
      throw new DomainError(
        'orthanc_error',
        `Orthanc job ${jobId} failed: ${job.ErrorDescription ?? ''} ${job.ErrorDetails ?? ''}`.trim(),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
