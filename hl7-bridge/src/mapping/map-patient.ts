// PID (HL7 v2.5 section 3.4.2) and MRG-1 (section 3.4.3.1) to the patient identity we keep.
//
// The MRN is the PID-3 repetition (CX, section 2.A.14) with identifier type code MR (CX.5, table
// 0203) from the local assigning authority (CX.4, matched on its namespace id or universal id;
// DESIGN section 5). v2.3 senders often leave CX.5 empty: a single repetition from the local
// authority with no type is taken as the MRN too. Every PID-3 repetition is kept as an identifier.

import { issue, type Hl7Issue } from '../ack/ack-codes.ts';
import { parseHl7Date } from '../encoding/hl7-datetime.ts';
import type { RepetitionReader, SegmentReader } from '../parse/hl7-reader.ts';
import type { MappedPatient, PatientIdentifier, PersonName } from './domain-schemas.ts';

export type MappingResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: Hl7Issue[] };

function readIdentifier(repetition: RepetitionReader): PatientIdentifier {
  return {
    identifier: repetition.value(1),
    assigningAuthority: repetition.value(4, 1),
    assigningAuthorityUniversalId: repetition.value(4, 2),
    assigningAuthorityUniversalIdType: repetition.value(4, 3),
    identifierType: repetition.value(5).toUpperCase(),
    assigningFacility: repetition.value(6, 1),
  };
}

/** The local MRN among a CX list, or undefined. */
export function selectLocalMrn(
  identifiers: readonly PatientIdentifier[],
  authority: string,
): PatientIdentifier | undefined {
  const local = identifiers.filter(
    (identifier) =>
      identifier.assigningAuthority === authority || identifier.assigningAuthorityUniversalId === authority,
  );
  const typed = local.find((identifier) => identifier.identifierType === 'MR');
  if (typed !== undefined) return typed;
  const untyped = local.filter((identifier) => identifier.identifierType === '');
  return untyped.length === 1 ? untyped[0] : undefined;
}

export function readIdentifiers(segment: SegmentReader, field: number): PatientIdentifier[] {
  return segment
    .repetitions(field)
    .map(readIdentifier)
    .filter((identifier) => identifier.identifier !== '');
}

/** PID-5: the legal name (XPN.7 = L, table 0200) if one is marked, else the first repetition. */
function readName(pid: SegmentReader): PersonName {
  const repetitions = pid.repetitions(5);
  const chosen = repetitions.find((repetition) => repetition.value(7).toUpperCase() === 'L') ?? repetitions[0];
  return {
    // XPN.1 is FN from v2.3.1 on (surname & prefix & ...): its first subcomponent is the surname.
    familyName: chosen?.value(1, 1) ?? '',
    givenName: chosen?.value(2) ?? '',
    middleName: chosen?.value(3) ?? '',
    suffix: chosen?.value(4) ?? '',
    prefix: chosen?.value(5) ?? '',
  };
}

export function mapPatient(pid: SegmentReader, authority: string): MappingResult<MappedPatient> {
  const issues: Hl7Issue[] = [];
  const location = (field: number) => ({ segment: 'PID', sequence: pid.sequence, field });
  const identifiers = readIdentifiers(pid, 3);
  const mrn = selectLocalMrn(identifiers, authority);
  if (identifiers.length === 0) {
    issues.push(issue(101, location(3), 'PID-3 patient identifier list is empty'));
  } else if (mrn === undefined) {
    issues.push(issue(101, location(3), 'PID-3 has no identifier of type MR from the local assigning authority'));
  }
  const birthDate = parseHl7Date(pid.value(7));
  if (!birthDate.ok) issues.push(issue(102, location(7), 'PID-7 date of birth is not a valid date'));
  if (issues.length > 0 || mrn === undefined || !birthDate.ok) return { ok: false, issues };
  const sex = pid.value(8).toUpperCase();
  return {
    ok: true,
    value: {
      mrn: mrn.identifier,
      mrnIssuer: authority,
      identifiers,
      name: readName(pid),
      birthDate: birthDate.value,
      sex: sex === '' ? null : sex,
    },
  };
}
