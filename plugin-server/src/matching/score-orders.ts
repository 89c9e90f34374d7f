import { compareBirthDates, compareNames, compareSex, daysBetween, normaliseDate } from './demographics.ts';
import type {
  CandidateOrder,
  Evidence,
  ExcludedOrder,
  KnownPatient,
  MatchConfig,
  MatchDecision,
  OrderScore,
  OutsideStudy,
} from './match-types.ts';

// Order candidates of an identified patient, scored field by field (DESIGN.md section 6, issue 5
// step 2). The outside accession number is deliberately absent: it belongs to another hospital's
// numbering and is only used to recognise re-imports (DESIGN.md section 4).

/** Points per field. An ordinary order scores at most 55 (modality, procedure, date, department). */
export const POINTS = {
  studyUidMatch: 100,
  studyUidOther: -100,
  outsideStudyCode: 30,
  modalityMatch: 20,
  modalityRelated: 10,
  modalityMismatch: -40,
  procedureMatch: 15,
  procedurePartial: 7,
  procedureMismatch: -5,
  dateInWindow: 15,
  dateOutsideWindow: -40,
  departmentMatch: 5,
  departmentMismatch: -5,
  patientConflict: -100,
  patientNameMismatch: -30,
} as const;

/** Objects that only accompany images (reports, presentation states, key images, segmentations). */
const NON_IMAGING_MODALITIES = new Set(['SR', 'PR', 'KO', 'SEG', 'REG', 'RWV', 'DOC', 'OT']);
/** Modalities that one department orders under the other's code. */
const RELATED_MODALITIES: readonly (readonly string[])[] = [
  ['CR', 'DX', 'DR', 'RG'],
  ['PT', 'NM'],
  ['MG', 'DX'],
];

/** Words that say nothing about the body part or exam (modalities, contrast, the order's kind). */
// prettier-ignore
const PROCEDURE_NOISE = new Set([
  'ct', 'mr', 'mri', 'us', 'xr', 'x', 'ray', 'cr', 'dx', 'pet', 'nm', 'mg',
  'w', 'wo', 'with', 'without', 'and', 'or', 'of', 'the', 'a', 'iv', 'contrast', 'cm', 'exam', 'study',
  'scan', 'imaging', 'outside', 'external', 'import', 'second', 'read', 'opinion', 'review', 'views',
  'view', '1', '2', '3', 'routine',
]);
const PROCEDURE_SYNONYMS: Readonly<Record<string, string>> = {
  brain: 'head',
  skull: 'head',
  cranial: 'head',
  abd: 'abdomen',
  abdominal: 'abdomen',
  thorax: 'chest',
  thoracic: 'chest',
  lung: 'chest',
  lungs: 'chest',
  pelvic: 'pelvis',
  lumbar: 'lspine',
  cervical: 'cspine',
  cardiac: 'heart',
  coronary: 'heart',
  echo: 'heart',
  echocardiogram: 'heart',
  breasts: 'breast',
  mammography: 'breast',
  mammogram: 'breast',
};

function procedureTokens(text: string | null): Set<string> {
  const tokens = (text ?? '')
    .normalize('NFKD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token !== '' && !PROCEDURE_NOISE.has(token))
    .map((token) => PROCEDURE_SYNONYMS[token] ?? token);
  return new Set(tokens);
}

function evidence(
  field: Evidence['field'],
  outcome: Evidence['outcome'],
  points: number,
  explanation: string,
): Evidence {
  return { field, outcome, points, explanation };
}

function imagingModalities(study: OutsideStudy): string[] {
  return study.modalities
    .map((modality) => modality.trim().toUpperCase())
    .filter((modality) => !NON_IMAGING_MODALITIES.has(modality) && modality !== '');
}

function modalityEvidence(study: OutsideStudy, order: CandidateOrder): Evidence {
  const ordered = (order.modality ?? '').trim().toUpperCase();
  const present = imagingModalities(study);
  if (ordered === '' || present.length === 0)
    return evidence('modality', 'absent', 0, 'modality not known on one side');
  if (present.includes(ordered)) {
    return evidence('modality', 'match', POINTS.modalityMatch, `order modality ${ordered} is in the study`);
  }
  const related = RELATED_MODALITIES.some(
    (group) => group.includes(ordered) && present.some((modality) => group.includes(modality)),
  );
  if (related) {
    return evidence(
      'modality',
      'partial',
      POINTS.modalityRelated,
      `order modality ${ordered} is related to ${present.join('/')}`,
    );
  }
  return evidence(
    'modality',
    'mismatch',
    POINTS.modalityMismatch,
    `order modality ${ordered}, study has ${present.join('/')}`,
  );
}

function procedureEvidence(study: OutsideStudy, order: CandidateOrder): Evidence {
  const ordered = procedureTokens(order.procedureText);
  const described = procedureTokens(study.studyDescription);
  if (ordered.size === 0 || described.size === 0) {
    return evidence('procedure', 'absent', 0, 'no body part or exam words to compare');
  }
  const shared = [...ordered].filter((token) => described.has(token));
  const overlap = shared.length / Math.min(ordered.size, described.size);
  if (overlap >= 0.5) {
    return evidence(
      'procedure',
      'match',
      POINTS.procedureMatch,
      `description agrees with the order (${shared.join(', ')})`,
    );
  }
  if (shared.length > 0) {
    return evidence(
      'procedure',
      'partial',
      POINTS.procedurePartial,
      `description shares ${shared.join(', ')} with the order`,
    );
  }
  return evidence(
    'procedure',
    'mismatch',
    POINTS.procedureMismatch,
    'description and ordered procedure have no word in common',
  );
}

function dateEvidence(study: OutsideStudy, order: CandidateOrder, config: MatchConfig): Evidence {
  const studyDate = normaliseDate(study.studyDate);
  const orderDate = normaliseDate(order.orderedAt);
  if (studyDate === null || orderDate === null) return evidence('date', 'absent', 0, 'study or order date unknown');
  const days = Math.abs(daysBetween(studyDate, orderDate));
  if (days <= config.dateWindowDays) {
    return evidence(
      'date',
      'match',
      POINTS.dateInWindow,
      `ordered ${days} day(s) from the study date (window ${config.dateWindowDays})`,
    );
  }
  return evidence(
    'date',
    'mismatch',
    POINTS.dateOutsideWindow,
    `ordered ${days} days from the study date, outside the ${config.dateWindowDays}-day window`,
  );
}

function departmentEvidence(study: OutsideStudy, order: CandidateOrder): Evidence {
  const left = (study.department ?? '').trim().toLowerCase();
  const right = (order.department ?? '').trim().toLowerCase();
  if (left === '' || right === '') return evidence('department', 'absent', 0, 'department unknown on one side');
  if (left === right)
    return evidence('department', 'match', POINTS.departmentMatch, `same department ${order.department ?? ''}`);
  return evidence(
    'department',
    'mismatch',
    POINTS.departmentMismatch,
    `departments differ: ${study.department ?? ''} vs ${order.department ?? ''}`,
  );
}

function procedureCodeEvidence(order: CandidateOrder, config: MatchConfig): Evidence {
  const code = (order.procedureCode ?? '').trim();
  if (code !== '' && config.outsideStudyImportCodes.includes(code)) {
    return evidence('procedureCode', 'match', POINTS.outsideStudyCode, `${code} is an "outside study import" order`);
  }
  if (code !== '' && config.secondReadCodes.includes(code)) {
    return evidence(
      'procedureCode',
      'match',
      POINTS.outsideStudyCode,
      `${code} is a "second read of an outside study" order`,
    );
  }
  return evidence(
    'procedureCode',
    'absent',
    0,
    code === '' ? 'no procedure code' : `${code} is an ordinary procedure, not an outside-study order`,
  );
}

function studyUidEvidence(study: OutsideStudy, order: CandidateOrder): Evidence {
  const uid = (order.studyInstanceUid ?? '').trim();
  if (uid === '') return evidence('StudyInstanceUID', 'absent', 0, 'the order names no Study Instance UID');
  if (uid === study.StudyInstanceUID) {
    return evidence(
      'StudyInstanceUID',
      'match',
      POINTS.studyUidMatch,
      'the order names this Study Instance UID (decisive)',
    );
  }
  return evidence('StudyInstanceUID', 'mismatch', POINTS.studyUidOther, 'the order names another Study Instance UID');
}

/** The demographics the order itself carries (PID of the ORM), compared with the study's. */
function orderPatientEvidence(study: OutsideStudy, order: CandidateOrder): Evidence[] {
  const birthDate = compareBirthDates(study.patientBirthDate, order.patientBirthDate);
  const sex = compareSex(study.patientSex, order.patientSex);
  const name = compareNames(study.patientName, order.patientName);
  return [
    evidence(
      'patientBirthDate',
      birthDate.outcome,
      birthDate.outcome === 'mismatch' ? POINTS.patientConflict : 0,
      `order: ${birthDate.explanation}`,
    ),
    evidence(
      'patientSex',
      sex.outcome,
      sex.outcome === 'mismatch' ? POINTS.patientConflict : 0,
      `order: ${sex.explanation}`,
    ),
    evidence(
      'patientName',
      name.outcome,
      name.outcome === 'mismatch' ? POINTS.patientNameMismatch : 0,
      `order: ${name.explanation}`,
    ),
  ];
}

function samePatient(order: CandidateOrder, patient: KnownPatient): boolean {
  return order.mrn === patient.mrn && order.mrnIssuer === patient.mrnIssuer;
}

/** One open order of the identified patient, scored with per-field evidence. */
export function scoreOrder(
  study: OutsideStudy,
  patient: KnownPatient,
  order: CandidateOrder,
  config: MatchConfig,
): OrderScore {
  const items: Evidence[] = [
    evidence('mrn', 'match', 0, `order for ${patient.mrn} (${patient.mrnIssuer}), the identified patient`),
    ...orderPatientEvidence(study, order),
    studyUidEvidence(study, order),
    procedureCodeEvidence(order, config),
    modalityEvidence(study, order),
    procedureEvidence(study, order),
    dateEvidence(study, order, config),
    departmentEvidence(study, order),
  ];
  const conflicting = items.some(
    (item) => (item.field === 'patientBirthDate' || item.field === 'patientSex') && item.outcome === 'mismatch',
  );
  return {
    orderId: order.id,
    score: items.reduce((sum, item) => sum + item.points, 0),
    evidence: items,
    explicitStudyUid: items.some((item) => item.field === 'StudyInstanceUID' && item.outcome === 'match'),
    conflicting,
  };
}

/** Scores the patient's open orders, best first; other orders are listed as excluded. */
export function scoreOrders(
  study: OutsideStudy,
  patient: KnownPatient,
  orders: readonly CandidateOrder[],
  config: MatchConfig,
): { candidates: OrderScore[]; excluded: ExcludedOrder[] } {
  const candidates: OrderScore[] = [];
  const excluded: ExcludedOrder[] = [];
  for (const order of orders) {
    const explicitStudyUid = (order.studyInstanceUid ?? '').trim() === study.StudyInstanceUID;
    if (!samePatient(order, patient)) {
      excluded.push({
        orderId: order.id,
        reason: 'other-patient',
        explicitStudyUid,
        explanation: `order for another MRN (${order.mrn})`,
      });
    } else if (!config.openOrderStatuses.includes(order.status)) {
      excluded.push({
        orderId: order.id,
        reason: 'not-open',
        explicitStudyUid,
        explanation: `order is ${order.status}`,
      });
    } else {
      candidates.push(scoreOrder(study, patient, order, config));
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.orderId.localeCompare(b.orderId));
  return { candidates, excluded };
}

/**
 * Auto-match only when it is safe: an explicit Study UID in exactly one open order of the patient,
 * or exactly one candidate at or above the threshold with a large gap to the next. Never when the
 * order's birth date or sex conflict with the study's.
 */
export function decideOrderMatch(
  candidates: readonly OrderScore[],
  excluded: readonly ExcludedOrder[],
  config: MatchConfig,
): MatchDecision {
  const namedElsewhere = excluded.find((order) => order.explicitStudyUid);
  if (namedElsewhere !== undefined) {
    return {
      decision: 'worklist',
      reason: 'study-uid-conflict',
      explanation: `order ${namedElsewhere.orderId} names this study but is excluded (${namedElsewhere.explanation})`,
    };
  }
  const conflicting = candidates.find((candidate) => candidate.conflicting);
  if (conflicting !== undefined) {
    const birthDate = conflicting.evidence.some(
      (item) => item.field === 'patientBirthDate' && item.outcome === 'mismatch',
    );
    return {
      decision: 'worklist',
      reason: birthDate ? 'conflicting-birth-date' : 'conflicting-sex',
      explanation: `order ${conflicting.orderId} carries a ${birthDate ? 'birth date' : 'sex'} that conflicts with the study`,
    };
  }
  const [best, second] = candidates;
  if (best === undefined)
    return { decision: 'worklist', reason: 'no-candidates', explanation: 'the patient has no open order' };
  const explicit = candidates.filter((candidate) => candidate.explicitStudyUid);
  const [onlyExplicit, ...moreExplicit] = explicit;
  if (onlyExplicit !== undefined) {
    if (moreExplicit.length > 0) {
      return {
        decision: 'worklist',
        reason: 'study-uid-conflict',
        explanation: `${explicit.length} open orders name this study`,
      };
    }
    return {
      decision: 'auto-match',
      orderId: onlyExplicit.orderId,
      explanation: 'the order names this Study Instance UID',
    };
  }
  if (best.score < config.autoMatchThreshold) {
    return {
      decision: 'worklist',
      reason: 'below-threshold',
      explanation: `best score ${best.score} (order ${best.orderId}) is below ${config.autoMatchThreshold}`,
    };
  }
  if (second !== undefined && best.score - second.score < config.minimumMargin) {
    return {
      decision: 'worklist',
      reason: 'ambiguous',
      explanation: `orders ${best.orderId} (${best.score}) and ${second.orderId} (${second.score}) are less than ${config.minimumMargin} apart`,
    };
  }
  return {
    decision: 'auto-match',
    orderId: best.orderId,
    explanation: `score ${best.score} >= ${config.autoMatchThreshold}, ${second === undefined ? 'only candidate' : `${best.score - second.score} ahead of the next`}`,
  };
}
