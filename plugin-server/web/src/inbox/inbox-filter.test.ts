import { describe, expect, it } from 'vitest';
import type { ImportSession } from '../import/imports.resource.ts';
import { buildInbox } from './inbox-filter.ts';
import type { Study } from './studies.resource.ts';

function session(id: string, createdAt: string, studies: ImportSession['studies'], mrn: string | null = null) {
  return {
    id,
    createdAt,
    finishedAt: createdAt,
    createdBy: { id: 'u1', username: 'desk' },
    department: 'radiology',
    sourceLabel: `CD ${id}`,
    sourceKind: 'upload',
    patient: { mrn, name: null, birthDate: null },
    state: 'finished',
    counts: {
      files: 1,
      bytes: 1,
      stored: 1,
      alreadyStored: 0,
      duplicateOnMedia: 0,
      notDicom: 0,
      corrupt: 0,
      rejected: 0,
    },
    studies,
    warnings: [],
  } satisfies ImportSession;
}

function importStudy(uid: string, studyId: string | null, patientName: string, description: string) {
  return {
    studyId,
    StudyInstanceUID: uid,
    patientId: `PID-${uid}`,
    patientName,
    patientBirthDate: '19700101',
    studyDate: '20240101',
    studyDescription: description,
    modalities: ['CT'],
    seriesCount: 1,
    instanceCount: 1,
  };
}

function tracked(id: string, uid: string, state: Study['state']): Study {
  return {
    id,
    StudyInstanceUID: uid,
    orthancId: null,
    state,
    original: {
      patientId: '',
      issuerOfPatientId: '',
      patientName: '',
      patientBirthDate: '',
      patientSex: '',
      accessionNumber: '',
    },
    studyDate: '',
    studyDescription: '',
    institutionName: 'General',
    modalities: [],
    seriesCount: 0,
    instanceCount: 0,
    firstSeenAt: '',
    updatedAt: '',
  };
}

const older = session('a', '2026-01-01T10:00:00Z', [importStudy('1', 's1', 'Doe^Jane', 'CT HEAD')], '4711');
const newer = session('b', '2026-01-02T10:00:00Z', [
  importStudy('2', null, 'Roe^Richard', 'MR KNEE'),
  importStudy('3', 's3', 'Roe^Richard', 'CT CHEST'),
]);
const studies = [tracked('s1', '1', 'ready'), tracked('s2', '2', 'identified'), tracked('s3', '3', 'ready')];

describe('buildInbox', () => {
  it('lists imports newest first and joins their studies by id, else by Study Instance UID', () => {
    const inbox = buildInbox([older, newer], studies, { text: '', state: '' });
    expect(inbox.map((entry) => entry.session.id)).toEqual(['b', 'a']);
    expect(inbox[0]?.studies.map(({ tracked }) => tracked?.state)).toEqual(['identified', 'ready']);
  });

  it.each([
    { text: 'doe', state: '' as const, expected: { a: ['1'] } },
    { text: 'Jane Doe', state: '' as const, expected: { a: ['1'] } },
    { text: 'Doe, Jane', state: '' as const, expected: { a: ['1'] } },
    { text: 'pid-2', state: '' as const, expected: { b: ['2'] } },
    { text: 'ct', state: '' as const, expected: { b: ['3'], a: ['1'] } },
    { text: '4711', state: '' as const, expected: { a: ['1'] } },
    { text: '', state: 'identified' as const, expected: { b: ['2'] } },
    { text: 'roe', state: 'ready' as const, expected: { b: ['3'] } },
    { text: 'nobody', state: '' as const, expected: {} },
  ])('filters by $text and $state', ({ text, state, expected }) => {
    const inbox = buildInbox([older, newer], studies, { text, state });
    const shown = Object.fromEntries(
      inbox.map((entry) => [entry.session.id, entry.studies.map(({ study }) => study.StudyInstanceUID)]),
    );
    expect(shown).toEqual(expected);
  });
});
