// ORM^O01 (HL7 v2.5 section 4.4.1, versions 2.3 to 2.5.1) and OMI^O23 (section 4.4.9) to orders,
// per the table in DESIGN section 5. Both carry one PID and one or more order groups, each
// starting with ORC (section 4.5.1) and followed by its detail: OBR (4.5.3), ZDS (the IHE
// Scheduled Workflow Z-segment with the Study Instance UID), TQ1 (4.5.4) and, in OMI, IPC (4.5.6).

import { issue, type ErrorLocation, type Hl7Issue } from '../ack/ack-codes.ts';
import type { AccessionField } from '../config/hl7-config.ts';
import { parseHl7DateTime } from '../encoding/hl7-datetime.ts';
import type { MessageReader, SegmentReader } from '../parse/hl7-reader.ts';
import {
  dicomUidSchema,
  ORDER_CONTROL_CODES,
  ORDER_STATUS_CODES,
  type MappedOrder,
  type MappedOrderMessage,
  type OrderControlCode,
  type OrderStatusCode,
} from './domain-schemas.ts';
import { mapPatient, type MappingResult } from './map-patient.ts';

interface OrderGroup {
  readonly orc: SegmentReader;
  readonly obr: SegmentReader | undefined;
  readonly zds: SegmentReader | undefined;
  readonly tq1: SegmentReader | undefined;
  /** OMI may carry several IPC per order (one per scheduled step); the first one is mapped. */
  readonly ipc: SegmentReader | undefined;
}

const DETAIL_SEGMENTS = new Set(['OBR', 'ZDS', 'TQ1', 'IPC']);

/** Splits the segments after PID into order groups; a detail segment before any ORC is an error. */
function collectOrderGroups(message: MessageReader): { groups: OrderGroup[]; issues: Hl7Issue[] } {
  const groups: { orc: SegmentReader; details: Map<string, SegmentReader> }[] = [];
  const issues: Hl7Issue[] = [];
  for (const segment of message.segments) {
    if (segment.name === 'ORC') {
      groups.push({ orc: segment, details: new Map() });
    } else if (DETAIL_SEGMENTS.has(segment.name)) {
      const current = groups.at(-1);
      if (current === undefined) {
        issues.push(
          issue(100, { segment: segment.name, sequence: segment.sequence }, `${segment.name} before any ORC`),
        );
      } else if (!current.details.has(segment.name)) {
        current.details.set(segment.name, segment);
      }
    }
  }
  return {
    issues,
    groups: groups.map(({ orc, details }) => ({
      orc,
      obr: details.get('OBR'),
      zds: details.get('ZDS'),
      tq1: details.get('TQ1'),
      ipc: details.get('IPC'),
    })),
  };
}

function at(segment: SegmentReader, field: number, component?: number): ErrorLocation {
  return { segment: segment.name, sequence: segment.sequence, field, component };
}

function nullable(value: string): string | null {
  return value === '' ? null : value;
}

function readAccession(group: OrderGroup, field: AccessionField): string {
  switch (field) {
    case 'OBR-18':
      return group.obr?.value(18) ?? '';
    case 'OBR-3':
      return group.obr?.value(3) ?? '';
    case 'ORC-3':
      return group.orc.value(3);
    case 'IPC-1':
      return group.ipc?.value(1) ?? '';
    case 'ZDS-1':
      return group.zds?.value(1) ?? '';
  }
}

/** XCN (section 2.A.89): id ^ family ^ given; the display name is "family, given". */
function readProvider(segment: SegmentReader | undefined, field: number): { id: string; name: string } {
  if (segment === undefined) return { id: '', name: '' };
  const family = segment.value(field, 2);
  const given = segment.value(field, 3);
  return { id: segment.value(field, 1), name: [family, given].filter((part) => part !== '').join(', ') };
}

function mapOrderGroup(
  group: OrderGroup,
  messageType: MappedOrderMessage['messageType'],
  accessionField: AccessionField,
  fallbackDepartment: string,
): MappingResult<MappedOrder> {
  const { orc, obr, zds, tq1, ipc } = group;
  const issues: Hl7Issue[] = [];

  const control = orc.value(1).toUpperCase();
  if (control === '') issues.push(issue(101, at(orc, 1), 'ORC-1 order control is empty'));
  else if (!(ORDER_CONTROL_CODES as readonly string[]).includes(control)) {
    issues.push(issue(103, at(orc, 1), 'ORC-1 order control is not supported (NW, XO, CA, OC, DC, OD, SC)'));
  }
  const statusCode = orc.value(5).toUpperCase();
  if (statusCode !== '' && !(ORDER_STATUS_CODES as readonly string[]).includes(statusCode)) {
    issues.push(issue(103, at(orc, 5), 'ORC-5 order status is not a supported table 0038 value'));
  }
  if (control === 'SC' && statusCode === '') {
    issues.push(issue(101, at(orc, 5), 'ORC-5 order status is required with order control SC'));
  }

  // Placer and filler numbers (EI, section 2.A.28): ORC-2/ORC-3, else OBR-2/OBR-3 (section 4.5.1.2).
  const placerSource = orc.value(2) !== '' ? { segment: orc, field: 2 } : obr && { segment: obr, field: 2 };
  const fillerSource = orc.value(3) !== '' ? { segment: orc, field: 3 } : obr && { segment: obr, field: 3 };
  const placerOrderNumber = placerSource?.segment.value(placerSource.field, 1) ?? '';
  const fillerOrderNumber = fillerSource?.segment.value(fillerSource.field, 1) ?? '';
  if (placerOrderNumber === '' && fillerOrderNumber === '') {
    issues.push(issue(101, at(orc, 2), 'ORC-2 placer or ORC-3 filler order number is required'));
  }

  if (control === 'NW' || control === 'XO') {
    if (obr === undefined) issues.push(issue(100, { segment: 'OBR' }, `OBR is required with order control ${control}`));
    if (messageType === 'OMI^O23' && control === 'NW' && ipc === undefined) {
      issues.push(issue(100, { segment: 'IPC' }, 'IPC is required in OMI^O23 with order control NW'));
    }
  }

  const orderedAtSource = orc.value(9) !== '' ? { segment: orc, field: 9 } : obr && { segment: obr, field: 6 };
  const orderedAt = parseHl7DateTime(orderedAtSource?.segment.value(orderedAtSource.field) ?? '');
  if (!orderedAt.ok && orderedAtSource !== undefined) {
    issues.push(issue(102, at(orderedAtSource.segment, orderedAtSource.field), 'order date/time is not a valid DTM'));
  }
  // Scheduled start: TQ1-7 (v2.5), else OBR-27.4 (TQ start, up to v2.4), else OBR-36.
  const scheduledSource =
    tq1 !== undefined && tq1.value(7) !== ''
      ? { segment: tq1, field: 7, component: 1 }
      : obr !== undefined && obr.value(27, 4) !== ''
        ? { segment: obr, field: 27, component: 4 }
        : obr && { segment: obr, field: 36, component: 1 };
  const scheduledAt = parseHl7DateTime(
    scheduledSource?.segment.value(scheduledSource.field, scheduledSource.component) ?? '',
  );
  if (!scheduledAt.ok && scheduledSource !== undefined) {
    issues.push(
      issue(102, at(scheduledSource.segment, scheduledSource.field), 'scheduled date/time is not a valid DTM'),
    );
  }

  // Study Instance UID: IPC-3 in OMI, ZDS-1 (RP.1) otherwise; a match key, so it must be a UID.
  const uidSource =
    ipc !== undefined && ipc.value(3) !== '' ? { segment: ipc, field: 3 } : zds && { segment: zds, field: 1 };
  const studyInstanceUid = uidSource?.segment.value(uidSource.field) ?? '';
  if (studyInstanceUid !== '' && uidSource !== undefined && !dicomUidSchema.safeParse(studyInstanceUid).success) {
    issues.push(issue(102, at(uidSource.segment, uidSource.field), 'Study Instance UID is not a valid DICOM UID'));
  }

  if (issues.length > 0 || !orderedAt.ok || !scheduledAt.ok) return { ok: false, issues };

  // Procedure: OBR-4 universal service id (CE), else OBR-44 procedure code.
  const procedureField = obr !== undefined && obr.value(4) === '' && obr.value(4, 2) === '' ? 44 : 4;
  const orderingProvider = orc.value(12) !== '' ? readProvider(orc, 12) : readProvider(obr, 16);
  const reason = obr === undefined ? '' : obr.value(31, 2) || obr.value(31, 1);

  return {
    ok: true,
    value: {
      orderControl: control as OrderControlCode,
      orderStatusCode: statusCode === '' ? null : (statusCode as OrderStatusCode),
      placerOrderNumber: nullable(placerOrderNumber),
      placerApplication: placerSource?.segment.value(placerSource.field, 2) ?? '',
      fillerOrderNumber: nullable(fillerOrderNumber),
      fillerApplication: fillerSource?.segment.value(fillerSource.field, 2) ?? '',
      accessionNumber: nullable(readAccession(group, accessionField)),
      requestedProcedureId: nullable(ipc?.value(2) || obr?.value(19) || ''),
      scheduledProcedureStepId: nullable(ipc?.value(4) ?? ''),
      procedureCode: nullable(obr?.value(procedureField, 1) ?? ''),
      procedureCodingSystem: nullable(obr?.value(procedureField, 3) ?? ''),
      procedureText: nullable(obr?.value(procedureField, 2) ?? ''),
      modality: nullable(ipc?.value(5) || obr?.value(24) || ''),
      studyInstanceUid: nullable(studyInstanceUid),
      orderedAt: orderedAt.value,
      scheduledAt: scheduledAt.value,
      department: nullable(orc.value(17, 1) || fallbackDepartment),
      orderingProviderId: nullable(orderingProvider.id),
      orderingProviderName: nullable(orderingProvider.name),
      reasonForStudy: nullable(reason),
      hasOrderDetail: obr !== undefined,
    },
  };
}

export function mapOrderMessage(
  message: MessageReader,
  messageType: MappedOrderMessage['messageType'],
  settings: { readonly patientIdAuthority: string; readonly accessionField: AccessionField },
): MappingResult<MappedOrderMessage> {
  const pid = message.first('PID');
  if (pid === undefined) {
    return { ok: false, issues: [issue(100, { segment: 'PID' }, `PID is required in ${messageType}`)] };
  }
  const patient = mapPatient(pid, settings.patientIdAuthority);
  const { groups, issues } = collectOrderGroups(message);
  if (groups.length === 0) issues.push(issue(100, { segment: 'ORC' }, `${messageType} carries no ORC`));
  // PV1-10 hospital service stands in for the department when ORC-17 is empty.
  const department = message.first('PV1')?.value(10) ?? '';
  const orders: MappedOrder[] = [];
  if (!patient.ok) issues.unshift(...patient.issues);
  for (const group of groups) {
    const mapped = mapOrderGroup(group, messageType, settings.accessionField, department);
    if (mapped.ok) orders.push(mapped.value);
    else issues.push(...mapped.issues);
  }
  if (issues.length > 0 || !patient.ok) return { ok: false, issues };
  return { ok: true, value: { kind: 'order', messageType, patient: patient.value, orders } };
}
