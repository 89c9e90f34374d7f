import { describe, expect, it } from 'vitest';
import { matchConfig } from './match-study.ts';
import type { CandidateOrder, EvidenceField, OrderScore, OutsideStudy } from './match-types.ts';
import { candidateOrder, JANE_MRN, knownPatient, outsideStudy, STUDY_UID } from './matching-fixtures.ts';
import { POINTS, decideOrderMatch, scoreOrder, scoreOrders } from './score-orders.ts';

const config = matchConfig({ outsideStudyImportCodes: ['XIMP'], secondReadCodes: ['X2RD'], localIssuer: 'HOSP' });
const UID = STUDY_UID;
const patient = knownPatient(JANE_MRN, 'DOE^JANE', '1980-01-15', 'F');
const study = outsideStudy;
const order = candidateOrder;

function field(score: OrderScore, name: EvidenceField) {
  return score.evidence.find((item) => item.field === name);
}

describe('scoreOrder evidence per field', () => {
  it.each<[string, EvidenceField, Partial<OutsideStudy>, Partial<CandidateOrder>, string, number]>([
    ['explicit UID', 'StudyInstanceUID', {}, { studyInstanceUid: UID }, 'match', POINTS.studyUidMatch],
    ['other UID', 'StudyInstanceUID', {}, { studyInstanceUid: '9.9' }, 'mismatch', POINTS.studyUidOther],
    ['no UID', 'StudyInstanceUID', {}, {}, 'absent', 0],
    ['import code', 'procedureCode', {}, {}, 'match', POINTS.outsideStudyCode],
    ['second-read code', 'procedureCode', {}, { procedureCode: 'X2RD' }, 'match', POINTS.outsideStudyCode],
    ['ordinary code', 'procedureCode', {}, { procedureCode: 'CTCHEST' }, 'absent', 0],
    ['same modality', 'modality', {}, {}, 'match', POINTS.modalityMatch],
    ['modality among SR/KO', 'modality', { modalities: ['SR', 'CT'] }, {}, 'match', POINTS.modalityMatch],
    ['related modality', 'modality', { modalities: ['CR'] }, { modality: 'DX' }, 'partial', POINTS.modalityRelated],
    ['other modality', 'modality', {}, { modality: 'MR' }, 'mismatch', POINTS.modalityMismatch],
    ['no order modality', 'modality', {}, { modality: null }, 'absent', 0],
    ['only non-imaging objects', 'modality', { modalities: ['SR'] }, {}, 'absent', 0],
    ['same body part', 'procedure', {}, { procedureText: 'CT THORAX' }, 'match', POINTS.procedureMatch],
    [
      'partly same',
      'procedure',
      { studyDescription: 'CT CHEST ABDOMEN PELVIS' },
      { procedureText: 'CT CHEST NECK HEAD' },
      'partial',
      POINTS.procedurePartial,
    ],
    ['other body part', 'procedure', {}, { procedureText: 'CT HEAD' }, 'mismatch', POINTS.procedureMismatch],
    ['only generic words', 'procedure', {}, {}, 'absent', 0],
    ['in the window', 'date', {}, {}, 'match', POINTS.dateInWindow],
    ['outside the window', 'date', {}, { orderedAt: '2026-05-01' }, 'mismatch', POINTS.dateOutsideWindow],
    ['no order date', 'date', {}, { orderedAt: null }, 'absent', 0],
    ['same department', 'department', {}, { department: 'radiology ' }, 'match', POINTS.departmentMatch],
    ['other department', 'department', {}, { department: 'Cardiology' }, 'mismatch', POINTS.departmentMismatch],
    [
      'birth date conflict',
      'patientBirthDate',
      {},
      { patientBirthDate: '1980-01-16' },
      'mismatch',
      POINTS.patientConflict,
    ],
    ['sex conflict', 'patientSex', {}, { patientSex: 'M' }, 'mismatch', POINTS.patientConflict],
    ['name mismatch', 'patientName', {}, { patientName: 'ROE^RICHARD' }, 'mismatch', POINTS.patientNameMismatch],
  ])('%s', (_name, name, studyOverrides, orderOverrides, outcome, points) => {
    const score = scoreOrder(study(studyOverrides), patient, order('O1', orderOverrides), config);
    expect(field(score, name)).toMatchObject({ outcome, points });
    expect(score.score).toBe(score.evidence.reduce((sum, item) => sum + item.points, 0));
  });

  it('flags conflicts and explicit UIDs', () => {
    expect(scoreOrder(study(), patient, order('O1', { patientSex: 'M' }), config).conflicting).toBe(true);
    expect(scoreOrder(study(), patient, order('O1', { studyInstanceUid: UID }), config).explicitStudyUid).toBe(true);
  });

  it('scores an ordinary order below the threshold even when every field agrees', () => {
    const ordinary = order('O1', { procedureCode: 'CTCHEST', procedureText: 'CT CHEST' });
    expect(scoreOrder(study(), patient, ordinary, config).score).toBeLessThan(config.autoMatchThreshold);
  });

  it('has no evidence about the outside accession number', () => {
    const score = scoreOrder(
      study({ accessionNumber: order('O1').accessionNumber ?? '' }),
      patient,
      order('O1'),
      config,
    );
    expect(score).toEqual(scoreOrder(study({ accessionNumber: 'X' }), patient, order('O1'), config));
  });
});

describe('scoreOrders', () => {
  it('keeps open orders of the patient, best first, and lists the others', () => {
    const { candidates, excluded } = scoreOrders(
      study(),
      patient,
      [
        order('O1', { modality: 'MR' }),
        order('O2'),
        order('O3', { status: 'cancelled', studyInstanceUid: UID }),
        order('O4', { mrn: 'M9' }),
      ],
      config,
    );
    expect(candidates.map((candidate) => candidate.orderId)).toEqual(['O2', 'O1']);
    expect(excluded).toMatchObject([
      { orderId: 'O3', reason: 'not-open', explicitStudyUid: true },
      { orderId: 'O4', reason: 'other-patient', explicitStudyUid: false },
    ]);
  });
});

describe('decideOrderMatch', () => {
  const scored = (id: string, score: number, flags: Partial<OrderScore> = {}): OrderScore => ({
    orderId: id,
    score,
    evidence: [],
    explicitStudyUid: false,
    conflicting: false,
    ...flags,
  });
  const excludedWithUid = {
    orderId: 'X',
    reason: 'not-open' as const,
    explicitStudyUid: true,
    explanation: 'cancelled',
  };

  it.each<[string, OrderScore[], string]>([
    ['one candidate above the threshold', [scored('A', 70)], 'auto-match:A'],
    ['exactly at the threshold', [scored('A', 60)], 'auto-match:A'],
    ['below the threshold', [scored('A', 59)], 'worklist:below-threshold'],
    ['none', [], 'worklist:no-candidates'],
    ['margin large enough', [scored('A', 80), scored('B', 60)], 'auto-match:A'],
    ['margin too small', [scored('A', 79), scored('B', 60)], 'worklist:ambiguous'],
    ['two above the threshold, close', [scored('A', 70), scored('B', 70)], 'worklist:ambiguous'],
    ['explicit UID wins over score', [scored('A', 90), scored('B', 20, { explicitStudyUid: true })], 'auto-match:B'],
    [
      'two explicit UIDs',
      [scored('A', 120, { explicitStudyUid: true }), scored('B', 120, { explicitStudyUid: true })],
      'worklist:study-uid-conflict',
    ],
    ['conflicting best', [scored('A', 70, { conflicting: true })], 'worklist:conflicting-sex'],
    [
      'conflicting explicit UID',
      [scored('A', 70, { explicitStudyUid: true, conflicting: true })],
      'worklist:conflicting-sex',
    ],
    ['conflicting runner-up', [scored('A', 90), scored('B', -60, { conflicting: true })], 'worklist:conflicting-sex'],
  ])('%s', (_name, candidates, expected) => {
    const decision = decideOrderMatch(candidates, [], config);
    expect(decision.decision === 'auto-match' ? `auto-match:${decision.orderId}` : `worklist:${decision.reason}`).toBe(
      expected,
    );
  });

  it('sends the study to the worklist when an excluded order names it', () => {
    expect(decideOrderMatch([scored('A', 90)], [excludedWithUid], config)).toMatchObject({
      decision: 'worklist',
      reason: 'study-uid-conflict',
    });
  });
});
