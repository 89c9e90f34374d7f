// How HL7 values read on screen. Everything here returns plain strings for React to render as
// text: names, identifiers and raw messages come from outside and are never markup. Pure.

import type { Order } from './orders.resource.ts';
import type { Patient } from './patients.resource.ts';

/** XPN components as the bridge stores them (HL7 v2.5 section 2.A.88). */
export type Hl7Name = { family: string; given: string; middle: string; prefix: string; suffix: string };

/** "FAMILY, Prefix Given Middle Suffix", as formatPersonName shows a DICOM name; '–' when empty. */
export function formatHl7Name(name: Hl7Name): string {
  const first = [name.prefix, name.given, name.middle].map((part) => part.trim()).filter((part) => part !== '');
  const full = [name.family.trim(), first.join(' ')].filter((part) => part !== '').join(', ');
  const withSuffix = name.suffix.trim() === '' ? full : `${full} ${name.suffix.trim()}`;
  return withSuffix === '' ? '–' : withSuffix;
}

export function orderPatientName(order: Order): string {
  return formatHl7Name({
    family: order.patient_family_name,
    given: order.patient_given_name,
    middle: order.patient_middle_name,
    prefix: order.patient_name_prefix,
    suffix: order.patient_name_suffix,
  });
}

export function patientName(patient: Patient): string {
  return formatHl7Name({
    family: patient.family_name,
    given: patient.given_name,
    middle: patient.middle_name,
    prefix: patient.name_prefix,
    suffix: patient.name_suffix,
  });
}

/** An order's name on screen: the placer number, else the filler number, else its row id. */
export function orderLabel(order: Pick<Order, 'id' | 'placer_order_number' | 'filler_order_number'>): string {
  return order.placer_order_number ?? order.filler_order_number ?? `#${order.id}`;
}

/** A value that may be missing: '–' for null, undefined and ''. */
export function orDash(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const text = String(value);
  return text.trim() === '' ? '–' : text;
}

/** MSH-3 / MSH-4 (or any two parts) as "EMR / HOSP", leaving out missing parts. */
export function formatPair(first: string | null, second: string | null): string {
  const parts = [first, second].filter((part): part is string => part !== null && part.trim() !== '');
  return parts.length === 0 ? '–' : parts.join(' / ');
}

/**
 * A raw HL7 message for a <pre>: segments are separated by CR (HL7 v2.5 section 2.5.1), which a
 * browser does not break lines at; sloppy senders use LF or CRLF. One segment per line.
 */
export function messageTextForDisplay(text: string): string {
  return text.replace(/\r\n|\r/g, '\n').replace(/\n+$/, '');
}

const DETAIL_LABELS: Readonly<Record<string, string>> = {
  changed: 'changed',
  priorMrn: 'prior MRN',
  priorMrnIssuer: 'prior MRN issuer',
  patientId: 'other patient',
};

function detailValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(detailValue).join(', ');
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The JSON `details` of an order or patient event (field names changed, the prior MRN of a
 * merge) as one line; text that is not a JSON object is shown as it is.
 */
export function describeEventDetails(details: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return details;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return detailValue(parsed);
  return Object.entries(parsed)
    .map(([key, value]) => `${DETAIL_LABELS[key] ?? key}: ${detailValue(value)}`)
    .join('; ');
}
