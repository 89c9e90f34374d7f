import type { CoercionPlan, DicomIdentity, TagChange } from '../domain/coercion.ts';

// What coercion writes into one instance, computed from the plan and the instance's current
// values (Orthanc `tags?short`: keys are `gggg,eeee`). Pure, so every rule of DESIGN.md
// section 4 is unit-tested without Orthanc.

export const TAG = {
  InstanceCoercionDateTime: '0008,0015',
  AccessionNumber: '0008,0050',
  IssuerOfAccessionNumberSequence: '0008,0051',
  PatientName: '0010,0010',
  PatientID: '0010,0020',
  IssuerOfPatientID: '0010,0021',
  TypeOfPatientID: '0010,0022',
  PatientBirthDate: '0010,0030',
  PatientSex: '0010,0040',
  OtherPatientIDsSequence: '0010,1002',
  LocalNamespaceEntityID: '0040,0031',
  ModifiedAttributesSequence: '0400,0550',
  OriginalAttributesSequence: '0400,0561',
  AttributeModificationDateTime: '0400,0562',
  ModifyingSystem: '0400,0563',
  SourceOfPreviousValues: '0400,0564',
  ReasonForTheAttributeModification: '0400,0565',
} as const;

/** Attributes replaced by coercion, in the order they are shown. */
const IDENTITY_TAGS: readonly { key: keyof DicomIdentity; keyword: keyof typeof TAG }[] = [
  { key: 'patientId', keyword: 'PatientID' },
  { key: 'issuerOfPatientId', keyword: 'IssuerOfPatientID' },
  { key: 'patientName', keyword: 'PatientName' },
  { key: 'patientBirthDate', keyword: 'PatientBirthDate' },
  { key: 'patientSex', keyword: 'PatientSex' },
  { key: 'accessionNumber', keyword: 'AccessionNumber' },
];

/** A dataset in Orthanc's short JSON form (values are strings, arrays of items, or null). */
export type ShortTags = Readonly<Record<string, unknown>>;
type Item = Record<string, unknown>;

function text(tags: ShortTags, keyword: keyof typeof TAG): string {
  const value = tags[TAG[keyword]];
  return typeof value === 'string' ? value : '';
}

function items(tags: ShortTags, keyword: keyof typeof TAG): Item[] {
  const value = tags[TAG[keyword]];
  if (!Array.isArray(value)) return [];
  return value.filter(isItem).map(withoutNulls);
}

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Orthanc shows binary or over-long values as null in short form; such a value cannot be sent
// back through `Replace`, so it is left out of the preserved item rather than failing the study.
function withoutNulls(item: Item): Item {
  const result: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null) continue;
    result[key] = Array.isArray(value) ? value.filter(isItem).map(withoutNulls) : value;
  }
  return result;
}

/** The identity an instance carries now. */
export function currentIdentity(tags: ShortTags): DicomIdentity {
  return {
    patientId: text(tags, 'PatientID'),
    issuerOfPatientId: text(tags, 'IssuerOfPatientID'),
    patientName: text(tags, 'PatientName'),
    patientBirthDate: text(tags, 'PatientBirthDate'),
    patientSex: text(tags, 'PatientSex'),
    accessionNumber: text(tags, 'AccessionNumber'),
  };
}

/** Whether this plan was already applied to the instance (it carries the plan's date-time). */
export function alreadyCoerced(tags: ShortTags, plan: CoercionPlan): boolean {
  return text(tags, 'InstanceCoercionDateTime') === plan.coercionDateTime;
}

/** Whether the instance has history coercion must keep (a uniform `Replace` would lose it). */
export function hasIdentityHistory(tags: ShortTags): boolean {
  return items(tags, 'OtherPatientIDsSequence').length > 0 || items(tags, 'OriginalAttributesSequence').length > 0;
}

/**
 * What makes one instance's coercion differ from another's: its identity and its history items.
 * Instances with the same fingerprint get the very same `Replace`.
 */
export function coercionFingerprint(tags: ShortTags): string {
  return JSON.stringify([
    currentIdentity(tags),
    items(tags, 'OtherPatientIDsSequence'),
    items(tags, 'OriginalAttributesSequence'),
  ]);
}

/** The attributes whose value the plan changes, with before and after (the worklist's diff). */
export function identityChanges(before: DicomIdentity, after: DicomIdentity): TagChange[] {
  return IDENTITY_TAGS.filter(({ key }) => before[key] !== after[key]).map(({ key, keyword }) => ({
    tag: TAG[keyword],
    keyword,
    before: before[key],
    after: after[key],
  }));
}

/**
 * Orthanc `Replace` for one instance: the new identity, the prior Patient ID added to Other
 * Patient IDs, an Original Attributes item with the prior values (existing items kept), and
 * Instance Coercion DateTime.
 */
export function coercionReplace(tags: ShortTags, plan: CoercionPlan): Record<string, unknown> {
  const prior = currentIdentity(tags);
  const { target } = plan;

  const otherIds = items(tags, 'OtherPatientIDsSequence');
  const priorIdKnown =
    prior.patientId === '' ||
    prior.patientId === target.patientId ||
    otherIds.some(
      (item) =>
        item[TAG.PatientID] === prior.patientId && (item[TAG.IssuerOfPatientID] ?? '') === prior.issuerOfPatientId,
    );
  if (!priorIdKnown) {
    otherIds.push({
      [TAG.PatientID]: prior.patientId,
      [TAG.IssuerOfPatientID]: prior.issuerOfPatientId,
      [TAG.TypeOfPatientID]: 'TEXT',
    });
  }

  const modified: Item = {};
  for (const change of identityChanges(prior, target)) modified[change.tag] = change.before;
  const originalAttributes = items(tags, 'OriginalAttributesSequence');
  originalAttributes.push({
    [TAG.ModifiedAttributesSequence]: [modified],
    [TAG.AttributeModificationDateTime]: plan.coercionDateTime,
    [TAG.ModifyingSystem]: plan.modifyingSystem,
    [TAG.SourceOfPreviousValues]: plan.sourceOfPreviousValues,
    [TAG.ReasonForTheAttributeModification]: plan.reason,
  });

  const replace: Record<string, unknown> = {
    [TAG.PatientID]: target.patientId,
    [TAG.IssuerOfPatientID]: target.issuerOfPatientId,
    [TAG.PatientName]: target.patientName,
    [TAG.PatientBirthDate]: target.patientBirthDate,
    [TAG.PatientSex]: target.patientSex,
    [TAG.AccessionNumber]: target.accessionNumber,
    [TAG.OtherPatientIDsSequence]: otherIds,
    [TAG.OriginalAttributesSequence]: originalAttributes,
    [TAG.InstanceCoercionDateTime]: plan.coercionDateTime,
  };
  if (plan.issuerOfAccessionNumber !== null) {
    replace[TAG.IssuerOfAccessionNumberSequence] = [{ [TAG.LocalNamespaceEntityID]: plan.issuerOfAccessionNumber }];
  }
  return replace;
}
