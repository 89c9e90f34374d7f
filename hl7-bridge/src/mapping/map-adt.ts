// ADT (HL7 v2.5 chapter 3) to the patients cache: A01 admit, A04 register, A08 update, A31 update
// person (section 3.3) carry the full PID; A40 merge patient identifier list (section 3.3.40)
// carries one or more {PID, MRG} groups, PID being the surviving identity and MRG-1 the retired one.

import { issue, type Hl7Issue } from '../ack/ack-codes.ts';
import type { MessageReader, SegmentReader } from '../parse/hl7-reader.ts';
import type { MappedMerge, MappedMergeMessage, MappedPatientMessage } from './domain-schemas.ts';
import { mapPatient, readIdentifiers, selectLocalMrn, type MappingResult } from './map-patient.ts';

export function mapPatientMessage(
  message: MessageReader,
  triggerEvent: MappedPatientMessage['triggerEvent'],
  patientIdAuthority: string,
): MappingResult<MappedPatientMessage> {
  const pid = message.first('PID');
  if (pid === undefined) {
    return { ok: false, issues: [issue(100, { segment: 'PID' }, `PID is required in ADT^${triggerEvent}`)] };
  }
  const patient = mapPatient(pid, patientIdAuthority);
  if (!patient.ok) return patient;
  return { ok: true, value: { kind: 'patient', triggerEvent, patient: patient.value } };
}

export function mapMergeMessage(message: MessageReader, patientIdAuthority: string): MappingResult<MappedMergeMessage> {
  const issues: Hl7Issue[] = [];
  const merges: MappedMerge[] = [];
  const groups: { pid: SegmentReader; mrg: SegmentReader | undefined }[] = [];
  for (const segment of message.segments) {
    if (segment.name === 'PID') groups.push({ pid: segment, mrg: undefined });
    else if (segment.name === 'MRG') {
      const current = groups.at(-1);
      if (current === undefined || current.mrg !== undefined) {
        issues.push(issue(100, { segment: 'MRG', sequence: segment.sequence }, 'MRG without its PID'));
      } else current.mrg = segment;
    }
  }
  if (groups.length === 0) issues.push(issue(100, { segment: 'PID' }, 'PID is required in ADT^A40'));
  for (const { pid, mrg } of groups) {
    const patient = mapPatient(pid, patientIdAuthority);
    if (!patient.ok) issues.push(...patient.issues);
    if (mrg === undefined) {
      issues.push(issue(100, { segment: 'MRG' }, 'MRG is required after each PID in ADT^A40'));
      continue;
    }
    const prior = selectLocalMrn(readIdentifiers(mrg, 1), patientIdAuthority);
    if (prior === undefined) {
      issues.push(
        issue(
          101,
          { segment: 'MRG', sequence: mrg.sequence, field: 1 },
          'MRG-1 has no identifier of type MR from the local assigning authority',
        ),
      );
      continue;
    }
    if (patient.ok) {
      merges.push({ patient: patient.value, priorMrn: prior.identifier, priorMrnIssuer: patientIdAuthority });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { kind: 'merge', merges } };
}
