import type {
  CandidateOrder,
  IdentityWorklistReason,
  KnownPatient,
  MatchConfigInput,
  MatchWorklistReason,
  OutsideStudy,
} from './match-types.ts';
import { candidateOrder, JANE_MRN, knownPatient, OTHER_UID, outsideStudy, STUDY_UID } from './matching-fixtures.ts';

// A labelled corpus of synthetic reconciliation cases (issue 5, "Tests that must exist"). Every
// person, number and UID is invented. Each case states what a careful radiology clerk would do:
// stamp the study with one order, or put it on the worklist for a human (and why).

export type ExpectedOutcome =
  | { decision: 'auto-match'; orderId: string }
  | { decision: 'worklist'; reason: MatchWorklistReason; identityReason?: IdentityWorklistReason };

export interface MatchingCase {
  id: string;
  category: string;
  description: string;
  study: OutsideStudy;
  knownPatients: KnownPatient[];
  orders: CandidateOrder[];
  expected: ExpectedOutcome;
}

export const CORPUS_CONFIG: MatchConfigInput = {
  outsideStudyImportCodes: ['XIMP'],
  secondReadCodes: ['X2RD'],
  localIssuer: 'HOSP',
};

const patient = knownPatient;
const study = outsideStudy;
const order = candidateOrder;

const JANE = patient(JANE_MRN, 'DOE^JANE', '1980-01-15', 'F');

/** An ordinary local CT chest order (not an outside-study code). */
function localOrder(id: string, overrides: Partial<CandidateOrder> = {}): CandidateOrder {
  return order(id, { procedureCode: 'CTCHEST', procedureText: 'CT CHEST WITH CONTRAST', ...overrides });
}

const auto = (orderId: string): ExpectedOutcome => ({ decision: 'auto-match', orderId });
const worklist = (reason: MatchWorklistReason, identityReason?: IdentityWorklistReason): ExpectedOutcome =>
  identityReason === undefined ? { decision: 'worklist', reason } : { decision: 'worklist', reason, identityReason };
const notIdentified = (identityReason: IdentityWorklistReason): ExpectedOutcome =>
  worklist('patient-not-identified', identityReason);

type CaseSpec = Omit<MatchingCase, 'knownPatients' | 'orders' | 'study'> & {
  study?: OutsideStudy;
  knownPatients?: KnownPatient[];
  orders?: CandidateOrder[];
};

function makeCase(spec: CaseSpec): MatchingCase {
  return {
    ...spec,
    study: spec.study ?? study(),
    knownPatients: spec.knownPatients ?? [JANE],
    orders: spec.orders ?? [order('O1')],
  };
}

function buildCorpus(): MatchingCase[] {
  const twinAnna = patient('MRN2001', 'SMITH^ANNA', '2010-06-01', 'F');
  const twinEmma = patient('MRN2002', 'SMITH^EMMA', '2010-06-01', 'F');
  const twinAdam = patient('MRN2003', 'SMITH^ADAM', '2010-06-01', 'M');
  const annaStudy = (overrides: Partial<OutsideStudy> = {}): OutsideStudy =>
    study({ patientName: 'SMITH^ANNA', patientBirthDate: '20100601', patientSex: 'F', claimedMrn: null, ...overrides });
  const annaOrder = (id: string, overrides: Partial<CandidateOrder> = {}): CandidateOrder =>
    order(id, { mrn: 'MRN2001', patientName: 'SMITH^ANNA', patientBirthDate: '2010-06-01', ...overrides });
  const noMrn = (overrides: Partial<OutsideStudy> = {}): OutsideStudy => study({ claimedMrn: null, ...overrides });

  const specs: CaseSpec[] = [
    // Exact matches.
    {
      id: 'exact-01',
      category: 'exact',
      description: 'claimed MRN, one outside-import CT order',
      expected: auto('O1'),
    },
    {
      id: 'exact-02',
      category: 'exact',
      description: 'second-read order for a CT chest',
      orders: [order('O1', { procedureCode: 'X2RD', procedureText: 'SECOND READ CT CHEST' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-03',
      category: 'exact',
      description: 'PN prefix vs XPN prefix position (DR) ignored',
      study: study({ patientName: 'DOE^JANE^^DR' }),
      knownPatients: [patient('MRN1001', 'DOE^JANE^^^DR', '1980-01-15', 'F')],
      expected: auto('O1'),
    },
    {
      id: 'exact-04',
      category: 'exact',
      description: 'PN with ideographic group',
      study: study({ patientName: 'YAMADA^HANAKO=山田^花子=やまだ^はなこ' }),
      knownPatients: [patient('MRN1001', 'YAMADA^HANAKO', '1980-01-15', 'F')],
      orders: [order('O1', { patientName: 'YAMADA^HANAKO' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-05',
      category: 'exact',
      description: 'MR study, MR import order',
      study: study({ modalities: ['MR'], studyDescription: 'MRI BRAIN' }),
      orders: [order('O1', { modality: 'MR', procedureText: 'OUTSIDE MR IMPORT' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-06',
      category: 'exact',
      description: 'study has CT plus SR and KO objects',
      study: study({ modalities: ['CT', 'SR', 'KO'] }),
      expected: auto('O1'),
    },
    {
      id: 'exact-07',
      category: 'exact',
      description: 'order without department',
      orders: [order('O1', { department: null })],
      expected: auto('O1'),
    },
    {
      id: 'exact-08',
      category: 'exact',
      description: 'claimed MRN with explicit local issuer',
      study: study({ claimedMrn: { mrn: 'MRN1001', issuer: 'HOSP' } }),
      expected: auto('O1'),
    },
    {
      id: 'exact-09',
      category: 'exact',
      description: 'order placed 25 days after the study (inside the window)',
      orders: [order('O1', { orderedAt: '2026-04-04T10:00:00Z' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-10',
      category: 'exact',
      description: 'PET-CT study, PT order',
      study: study({ modalities: ['PT', 'CT'], studyDescription: 'PET CT WHOLE BODY' }),
      orders: [order('O1', { modality: 'PT', procedureText: 'OUTSIDE PET IMPORT' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-11',
      category: 'exact',
      description: 'CR study, DX order (related modality) with matching body part',
      study: study({ modalities: ['CR'], studyDescription: 'CHEST PA LAT' }),
      orders: [order('O1', { modality: 'DX', procedureText: 'OUTSIDE XR CHEST' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-12',
      category: 'exact',
      description: 'echo study for cardiology, second-read echo order',
      study: study({ modalities: ['US'], studyDescription: 'ECHOCARDIOGRAM', department: 'Cardiology' }),
      orders: [
        order('O1', {
          modality: 'US',
          procedureCode: 'X2RD',
          procedureText: 'SECOND READ ECHO',
          department: 'Cardiology',
        }),
      ],
      expected: auto('O1'),
    },
    {
      id: 'exact-13',
      category: 'exact',
      description: 'order date unknown but code, modality, body part and department agree',
      orders: [order('O1', { orderedAt: null, procedureText: 'OUTSIDE CT CHEST' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-14',
      category: 'exact',
      description: 'order in status scheduled (SC)',
      orders: [order('O1', { status: 'scheduled' })],
      expected: auto('O1'),
    },
    {
      id: 'exact-15',
      category: 'exact',
      description: 'department differs, everything else agrees',
      study: study({ department: 'Emergency' }),
      orders: [order('O1', { procedureText: 'OUTSIDE CT CHEST' })],
      expected: auto('O1'),
    },

    // Several open orders for one patient.
    {
      id: 'several-01',
      category: 'several orders',
      description: 'import CT and import MR orders, CT study',
      orders: [order('O1'), order('O2', { modality: 'MR', procedureText: 'OUTSIDE MR IMPORT' })],
      expected: auto('O1'),
    },
    {
      id: 'several-02',
      category: 'several orders',
      description: 'two identical import CT orders',
      orders: [order('O1'), order('O2')],
      expected: worklist('ambiguous'),
    },
    {
      id: 'several-03',
      category: 'several orders',
      description: 'import CT order and an unrelated local CT abdomen order',
      orders: [order('O1'), localOrder('O2', { procedureText: 'CT ABDOMEN' })],
      expected: auto('O1'),
    },
    {
      id: 'several-04',
      category: 'several orders',
      description: 'import CT order and a local CT chest order that fits as well: too close',
      orders: [order('O1'), localOrder('O2')],
      expected: worklist('ambiguous'),
    },
    {
      id: 'several-05',
      category: 'several orders',
      description: 'import CT chest order beats a local CT chest order by a wide margin',
      orders: [order('O1', { procedureText: 'OUTSIDE CT CHEST' }), localOrder('O2')],
      expected: auto('O1'),
    },
    {
      id: 'several-06',
      category: 'several orders',
      description: 'import CT, second-read MR, local US',
      orders: [
        order('O1'),
        order('O2', { procedureCode: 'X2RD', modality: 'MR', procedureText: 'SECOND READ MR KNEE' }),
        localOrder('O3', { modality: 'US', procedureText: 'US ABDOMEN' }),
      ],
      expected: auto('O1'),
    },
    {
      id: 'several-07',
      category: 'several orders',
      description: 'import CT in window and an old import CT order outside the window',
      orders: [order('O1'), order('O2', { orderedAt: '2025-11-01T09:00:00Z' })],
      expected: auto('O1'),
    },
    {
      id: 'several-08',
      category: 'several orders',
      description: 'import CT and second-read CT orders, both in window',
      orders: [order('O1'), order('O2', { procedureCode: 'X2RD', procedureText: 'SECOND READ CT' })],
      expected: worklist('ambiguous'),
    },
    {
      id: 'several-09',
      category: 'several orders',
      description: 'order for another patient (other MRN) is not a candidate',
      orders: [order('O1'), order('O2', { mrn: 'MRN9999', patientName: 'ROE^RICHARD', patientSex: 'M' })],
      expected: auto('O1'),
    },

    // Only ordinary orders, or none.
    {
      id: 'none-01',
      category: 'no usable order',
      description: 'one local CT chest order that fits, but no outside-study code',
      orders: [localOrder('O1')],
      expected: worklist('below-threshold'),
    },
    {
      id: 'none-02',
      category: 'no usable order',
      description: 'patient has no orders',
      orders: [],
      expected: worklist('no-candidates'),
    },
    {
      id: 'none-03',
      category: 'no usable order',
      description: 'the only order has no modality, no body part and no date',
      orders: [order('O1', { modality: null, orderedAt: null, department: null })],
      expected: worklist('below-threshold'),
    },
    {
      id: 'none-04',
      category: 'no usable order',
      description: 'study has only an SR document: nothing to compare the modality with',
      study: study({ modalities: ['SR'], studyDescription: '' }),
      expected: worklist('below-threshold'),
    },

    // Cancelled, discontinued, completed, held.
    {
      id: 'cancelled-01',
      category: 'cancelled',
      description: 'the only import order is cancelled',
      orders: [order('O1', { status: 'cancelled' })],
      expected: worklist('no-candidates'),
    },
    {
      id: 'cancelled-02',
      category: 'cancelled',
      description: 'cancelled import CT, open import MR: the MR order does not fit a CT study',
      orders: [order('O1', { status: 'cancelled' }), order('O2', { modality: 'MR', procedureText: 'OUTSIDE MR' })],
      expected: worklist('below-threshold'),
    },
    {
      id: 'cancelled-03',
      category: 'cancelled',
      description: 'cancelled import CT and its open replacement',
      orders: [order('O1', { status: 'cancelled' }), order('O2')],
      expected: auto('O2'),
    },
    {
      id: 'cancelled-04',
      category: 'cancelled',
      description: 'discontinued and completed orders only',
      orders: [order('O1', { status: 'discontinued' }), order('O2', { status: 'completed' })],
      expected: worklist('no-candidates'),
    },
    {
      id: 'cancelled-05',
      category: 'cancelled',
      description: 'held order is not open',
      orders: [order('O1', { status: 'held' })],
      expected: worklist('no-candidates'),
    },

    // Date window.
    {
      id: 'window-01',
      category: 'date window',
      description: 'import order 45 days after the study',
      orders: [order('O1', { orderedAt: '2026-04-24T09:00:00Z' })],
      expected: worklist('below-threshold'),
    },
    {
      id: 'window-02',
      category: 'date window',
      description: 'import order 31 days before the study',
      orders: [order('O1', { orderedAt: '2026-02-07' })],
      expected: worklist('below-threshold'),
    },
    {
      id: 'window-03',
      category: 'date window',
      description: 'study date missing',
      study: study({ studyDate: '' }),
      expected: worklist('below-threshold'),
    },
    {
      id: 'window-04',
      category: 'date window',
      description: 'order exactly 30 days after the study (edge of the window)',
      orders: [order('O1', { orderedAt: '2026-04-09T23:00:00Z' })],
      expected: auto('O1'),
    },

    // Explicit Study Instance UID.
    {
      id: 'uid-01',
      category: 'explicit Study UID',
      description: 'a local order (no outside code) that names the study UID',
      orders: [localOrder('O1', { studyInstanceUid: STUDY_UID })],
      expected: auto('O1'),
    },
    {
      id: 'uid-02',
      category: 'explicit Study UID',
      description: 'UID wins over a better-looking import order',
      orders: [order('O1', { procedureText: 'OUTSIDE CT CHEST' }), localOrder('O2', { studyInstanceUid: STUDY_UID })],
      expected: auto('O2'),
    },
    {
      id: 'uid-03',
      category: 'explicit Study UID',
      description: 'UID order with another modality',
      orders: [order('O1', { modality: 'MR', studyInstanceUid: STUDY_UID })],
      expected: auto('O1'),
    },
    {
      id: 'uid-04',
      category: 'explicit Study UID',
      description: 'UID order outside the date window',
      orders: [order('O1', { orderedAt: '2025-01-01', studyInstanceUid: STUDY_UID })],
      expected: auto('O1'),
    },
    {
      id: 'uid-05',
      category: 'explicit Study UID',
      description: 'two open orders name the same study',
      orders: [order('O1', { studyInstanceUid: STUDY_UID }), localOrder('O2', { studyInstanceUid: STUDY_UID })],
      expected: worklist('study-uid-conflict'),
    },
    {
      id: 'uid-06',
      category: 'explicit Study UID',
      description: 'the order naming the study was cancelled; another import order is open',
      orders: [order('O1', { status: 'cancelled', studyInstanceUid: STUDY_UID }), order('O2')],
      expected: worklist('study-uid-conflict'),
    },
    {
      id: 'uid-07',
      category: 'explicit Study UID',
      description: "another patient's order names the study",
      orders: [
        order('O1'),
        order('O2', { mrn: 'MRN9999', patientName: 'ROE^RICHARD', patientSex: 'M', studyInstanceUid: STUDY_UID }),
      ],
      expected: worklist('study-uid-conflict'),
    },
    {
      id: 'uid-08',
      category: 'explicit Study UID',
      description: 'the only order names a different study',
      orders: [order('O1', { studyInstanceUid: OTHER_UID })],
      expected: worklist('below-threshold'),
    },
    {
      id: 'uid-09',
      category: 'explicit Study UID',
      description: 'UID order whose patient birth date conflicts with the study',
      orders: [order('O1', { studyInstanceUid: STUDY_UID, patientBirthDate: '1980-01-16' })],
      expected: worklist('conflicting-birth-date'),
    },

    // The outside accession number is never a match key.
    {
      id: 'accession-01',
      category: 'outside accession',
      description: 'outside accession equals the local accession of a wrong (MR) order',
      orders: [order('O1'), localOrder('O2', { modality: 'MR', procedureText: 'MR KNEE', accessionNumber: 'OUT123' })],
      expected: auto('O1'),
    },
    {
      id: 'accession-02',
      category: 'outside accession',
      description: 'outside accession equal to one of two identical orders does not break the tie',
      orders: [order('O1', { accessionNumber: 'OUT123' }), order('O2')],
      expected: worklist('ambiguous'),
    },
    {
      id: 'accession-03',
      category: 'outside accession',
      description: 'outside accession equal to a local-only order does not lift it above the threshold',
      orders: [localOrder('O1', { accessionNumber: 'OUT123' })],
      expected: worklist('below-threshold'),
    },

    // Claimed MRN checked against the known patient.
    {
      id: 'claimed-01',
      category: 'claimed MRN',
      description: 'claimed MRN unknown to the EMR',
      study: study({ claimedMrn: { mrn: 'MRN4040', issuer: null } }),
      expected: notIdentified('claimed-mrn-unknown'),
    },
    {
      id: 'claimed-02',
      category: 'claimed MRN',
      description: 'same name, different birth date',
      study: study({ patientBirthDate: '19810115' }),
      expected: notIdentified('conflicting-birth-date'),
    },
    {
      id: 'claimed-03',
      category: 'claimed MRN',
      description: 'different sex',
      study: study({ patientSex: 'M' }),
      expected: notIdentified('conflicting-sex'),
    },
    {
      id: 'claimed-04',
      category: 'claimed MRN',
      description: 'entirely different name (MRN typed for the wrong patient)',
      study: study({ patientName: 'ROE^RICHARD' }),
      expected: notIdentified('name-mismatch'),
    },
    {
      id: 'claimed-05',
      category: 'claimed MRN',
      description: 'typo in the given name (transposed letters)',
      study: study({ patientName: 'DOE^JAEN' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-06',
      category: 'claimed MRN',
      description: 'typo in the family name',
      study: study({ patientName: 'DOW^JANE' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-07',
      category: 'claimed MRN',
      description: 'married-name change: outside media has the maiden name',
      study: study({ patientName: 'SMITH^JANE' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-08',
      category: 'claimed MRN',
      description: 'given and family names swapped on the media',
      study: study({ patientName: 'JANE^DOE' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-09',
      category: 'claimed MRN',
      description: 'accents on the media, none in the EMR',
      study: study({ patientName: 'MÜLLER^JOSÉ', patientSex: 'M' }),
      knownPatients: [patient('MRN1001', 'MULLER^JOSE', '1980-01-15', 'M')],
      orders: [order('O1', { patientName: 'MULLER^JOSE', patientSex: 'M' })],
      expected: auto('O1'),
    },
    {
      id: 'claimed-10',
      category: 'claimed MRN',
      description: 'hyphenated family name vs space',
      study: study({ patientName: 'GARCIA-LOPEZ^MARIA' }),
      knownPatients: [patient('MRN1001', 'GARCIA LOPEZ^MARIA', '1980-01-15', 'F')],
      orders: [order('O1', { patientName: 'GARCIA LOPEZ^MARIA' })],
      expected: auto('O1'),
    },
    {
      id: 'claimed-11',
      category: 'claimed MRN',
      description: 'one part of a double-barrelled name missing on the media',
      study: study({ patientName: 'GARCIA^MARIA' }),
      knownPatients: [patient('MRN1001', 'GARCIA-LOPEZ^MARIA', '1980-01-15', 'F')],
      orders: [order('O1', { patientName: 'GARCIA-LOPEZ^MARIA' })],
      expected: auto('O1'),
    },
    {
      id: 'claimed-12',
      category: 'claimed MRN',
      description: 'no birth date on the media, exact name',
      study: study({ patientBirthDate: '' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-13',
      category: 'claimed MRN',
      description: 'no birth date on the media and a misspelt name',
      study: study({ patientBirthDate: '', patientName: 'DOE^JAEN' }),
      expected: notIdentified('insufficient-demographics'),
    },
    {
      id: 'claimed-14',
      category: 'claimed MRN',
      description: 'claimed MRN under a foreign issuer',
      study: study({ claimedMrn: { mrn: 'MRN1001', issuer: 'ST ELSEWHERE' } }),
      expected: notIdentified('claimed-mrn-unknown'),
    },
    {
      id: 'claimed-15',
      category: 'claimed MRN',
      description: 'sex O on the media does not conflict',
      study: study({ patientSex: 'O' }),
      expected: auto('O1'),
    },
    {
      id: 'claimed-16',
      category: 'claimed MRN',
      description: "twin's MRN entered for the other twin",
      study: annaStudy({ patientName: 'SMITH^EMMA', claimedMrn: { mrn: 'MRN2001', issuer: null } }),
      knownPatients: [twinAnna, twinEmma],
      orders: [annaOrder('O1')],
      expected: notIdentified('name-mismatch'),
    },
    {
      id: 'claimed-17',
      category: 'claimed MRN',
      description: 'claimed MRN of one twin, media agree exactly',
      study: annaStudy({ claimedMrn: { mrn: 'MRN2001', issuer: null } }),
      knownPatients: [twinAnna, twinEmma],
      orders: [annaOrder('O1')],
      expected: auto('O1'),
    },
    {
      id: 'claimed-18',
      category: 'claimed MRN',
      description: "the media's outside Patient ID equals a local MRN of someone else: ignored",
      study: study({ originalPatientId: 'MRN9999' }),
      knownPatients: [JANE, patient('MRN9999', 'ROE^RICHARD', '1955-03-03', 'M')],
      expected: auto('O1'),
    },

    {
      id: 'claimed-19',
      category: 'claimed MRN',
      description: 'married name on the media, but another known patient has exactly that name and birth date',
      study: study({ patientName: 'SMITH^JANE' }),
      knownPatients: [JANE, patient('MRN1005', 'SMITH^JANE', '1980-01-15', 'F')],
      expected: notIdentified('ambiguous-patient'),
    },

    // No claimed MRN: demographic match.
    {
      id: 'demographic-01',
      category: 'demographics',
      description: 'unique exact demographic match',
      study: noMrn(),
      knownPatients: [JANE, patient('MRN9999', 'ROE^RICHARD', '1955-03-03', 'M')],
      expected: auto('O1'),
    },
    {
      id: 'demographic-02',
      category: 'demographics',
      description: 'unique match with family and given swapped',
      study: noMrn({ patientName: 'JANE^DOE' }),
      expected: auto('O1'),
    },
    {
      id: 'demographic-03',
      category: 'demographics',
      description: 'unique match across accents and case',
      study: noMrn({ patientName: 'Doé^Jàne' }),
      expected: auto('O1'),
    },
    {
      id: 'demographic-04',
      category: 'demographics',
      description: 'same name, different birth date: not the same person',
      study: noMrn({ patientBirthDate: '19790115' }),
      expected: notIdentified('no-patient-match'),
    },
    {
      id: 'demographic-05',
      category: 'demographics',
      description: 'two Jane Does, only one with the right birth date',
      study: noMrn(),
      knownPatients: [JANE, patient('MRN1002', 'DOE^JANE', '1991-07-30', 'F')],
      expected: auto('O1'),
    },
    {
      id: 'demographic-06',
      category: 'demographics',
      description: 'twins: same surname, birth date and sex',
      study: annaStudy(),
      knownPatients: [twinAnna, twinEmma],
      orders: [annaOrder('O1')],
      expected: notIdentified('ambiguous-patient'),
    },
    {
      id: 'demographic-07',
      category: 'demographics',
      description: 'twins of different sex: name and sex both point to one',
      study: annaStudy(),
      knownPatients: [twinAnna, twinAdam],
      orders: [annaOrder('O1')],
      expected: auto('O1'),
    },
    {
      id: 'demographic-08',
      category: 'demographics',
      description: 'typo in the name and no MRN',
      study: noMrn({ patientName: 'DOE^JAEN' }),
      expected: notIdentified('partial-patient-match'),
    },
    {
      id: 'demographic-09',
      category: 'demographics',
      description: 'married-name change and no MRN',
      study: noMrn({ patientName: 'SMITH^JANE' }),
      expected: notIdentified('partial-patient-match'),
    },
    {
      id: 'demographic-10',
      category: 'demographics',
      description: 'only candidate has the other sex',
      study: noMrn({ patientSex: 'M' }),
      expected: notIdentified('no-patient-match'),
    },
    {
      id: 'demographic-11',
      category: 'demographics',
      description: 'no birth date on the media and no MRN',
      study: noMrn({ patientBirthDate: '' }),
      expected: notIdentified('insufficient-demographics'),
    },
    {
      id: 'demographic-12',
      category: 'demographics',
      description: 'duplicate patient records under two MRNs',
      study: noMrn(),
      knownPatients: [JANE, patient('MRN1003', 'DOE^JANE', '1980-01-15', 'F')],
      expected: notIdentified('ambiguous-patient'),
    },
    {
      id: 'demographic-13',
      category: 'demographics',
      description: 'another Jane born the same day (shared given name): a human decides',
      study: noMrn(),
      knownPatients: [JANE, patient('MRN1004', 'ROE^JANE', '1980-01-15', 'F')],
      expected: notIdentified('ambiguous-patient'),
    },
    {
      id: 'demographic-14',
      category: 'demographics',
      description: 'no known patients at all',
      study: noMrn(),
      knownPatients: [],
      expected: notIdentified('no-patient-match'),
    },
    {
      id: 'demographic-15',
      category: 'demographics',
      description: 'sex O on the media and no MRN',
      study: noMrn({ patientSex: 'O' }),
      expected: notIdentified('insufficient-demographics'),
    },
    {
      id: 'demographic-16',
      category: 'demographics',
      description: 'hyphenated name on the media, spaces in the EMR, no MRN',
      study: noMrn({ patientName: 'GARCIA-LOPEZ^MARIA' }),
      knownPatients: [patient('MRN1001', 'GARCIA LOPEZ^MARIA', '1980-01-15', 'F')],
      orders: [order('O1', { patientName: 'GARCIA LOPEZ^MARIA' })],
      expected: auto('O1'),
    },

    // Demographics carried by the order itself.
    {
      id: 'order-patient-01',
      category: 'order demographics',
      description: 'order birth date conflicts with the study',
      orders: [order('O1', { patientBirthDate: '1980-11-15' })],
      expected: worklist('conflicting-birth-date'),
    },
    {
      id: 'order-patient-02',
      category: 'order demographics',
      description: 'order sex conflicts with the study',
      orders: [order('O1', { patientSex: 'M' })],
      expected: worklist('conflicting-sex'),
    },
    {
      id: 'order-patient-03',
      category: 'order demographics',
      description: 'order without birth date and sex',
      orders: [order('O1', { patientBirthDate: null, patientSex: null })],
      expected: auto('O1'),
    },
    {
      id: 'order-patient-04',
      category: 'order demographics',
      description: 'a second order of the patient carries a conflicting sex',
      orders: [order('O1'), order('O2', { modality: 'MR', patientSex: 'M' })],
      expected: worklist('conflicting-sex'),
    },
  ];
  return specs.map(makeCase);
}

export const MATCHING_CORPUS: readonly MatchingCase[] = buildCorpus();
