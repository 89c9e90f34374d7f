// The destination form's values (text as typed) and what they become: the body of POST or PUT
// /api/destinations, after the checks an admin should hear about before the server answers 400.
// The server checks again (src/routing/destination-input.ts) and also refuses loopback and
// link-local hosts unless the config allows them. Pure.

import type {
  ConnectionTestResult,
  Destination,
  DestinationChange,
  NewDicomDestination,
} from './destinations.resource.ts';

export type DestinationFormValues = {
  name: string;
  aet: string;
  host: string;
  port: string;
  concurrency: string;
  enabled: boolean;
  storageCommitment: boolean;
};

export type DestinationField = Exclude<keyof DestinationFormValues, 'enabled' | 'storageCommitment'>;
export type DestinationFormProblems = Partial<Record<DestinationField, string>>;

export const EMPTY_DESTINATION_FORM: DestinationFormValues = {
  name: '',
  aet: '',
  host: '',
  port: '104',
  concurrency: '1',
  enabled: true,
  storageCommitment: false,
};

/** The form for changing a DICOM destination, filled with its settings. */
export function formFromDestination(destination: Destination): DestinationFormValues {
  return {
    name: destination.name,
    aet: destination.aet ?? '',
    host: destination.host,
    port: String(destination.port),
    concurrency: String(destination.concurrency),
    enabled: destination.enabled,
    storageCommitment: destination.storageCommitment,
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** What is wrong with the values, per field; empty when they may be sent. `name` only on create. */
export function destinationFormProblems(
  values: DestinationFormValues,
  mode: 'create' | 'edit',
): DestinationFormProblems {
  const problems: DestinationFormProblems = {};
  if (mode === 'create' && !/^[A-Za-z0-9_-]{1,32}$/.test(values.name.trim())) {
    problems.name = 'Use 1 to 32 letters, digits, - or _ (rules refer to the destination by this name).';
  }
  const aet = values.aet.trim();
  if (aet === '') problems.aet = 'Enter the AE title of the destination.';
  else if (aet.length > 16) problems.aet = 'An AE title has at most 16 characters.';
  // PS3.5 6.2, VR AE: the default repertoire without backslash or control characters.
  else if (!/^[\x20-\x5b\x5d-\x7e]+$/.test(aet)) problems.aet = 'An AE title is printable ASCII without backslash.';
  const host = values.host.trim();
  if (host === '') problems.host = 'Enter a host name or IP address.';
  else if (host.length > 253 || /\s/.test(host)) problems.host = 'This is not a host name or IP address.';
  const port = wholeNumber(values.port);
  if (port === undefined || port < 1 || port > 65535) problems.port = 'The port is a whole number from 1 to 65535.';
  const concurrency = wholeNumber(values.concurrency);
  if (concurrency === undefined || concurrency < 1 || concurrency > 8) {
    problems.concurrency = 'Send 1 to 8 studies at once.';
  }
  return problems;
}

export function hasProblems(problems: DestinationFormProblems): boolean {
  return Object.values(problems).some((problem) => problem !== undefined);
}

/** The settings of a DICOM destination from checked values. */
function dicomSettings(values: DestinationFormValues): Omit<NewDicomDestination, 'name'> {
  return {
    kind: 'dicom',
    aet: values.aet.trim(),
    host: values.host.trim(),
    port: Number(values.port.trim()),
    concurrency: Number(values.concurrency.trim()),
    enabled: values.enabled,
    storageCommitment: values.storageCommitment,
  };
}

export function newDestinationBody(values: DestinationFormValues): NewDicomDestination {
  return { name: values.name.trim(), ...dicomSettings(values) };
}

export function destinationChangeBody(values: DestinationFormValues): DestinationChange {
  return dicomSettings(values);
}

/**
 * The PUT body that only enables or disables a destination: its stored settings as they are. An
 * HTTP destination's password is not sent, so the server keeps it.
 */
export function enabledChangeBody(destination: Destination, enabled: boolean): DestinationChange {
  if (destination.kind === 'dicom') {
    return {
      kind: 'dicom',
      aet: destination.aet ?? '',
      host: destination.host,
      port: destination.port,
      concurrency: destination.concurrency,
      enabled,
      storageCommitment: destination.storageCommitment,
    };
  }
  return {
    kind: destination.kind,
    url: destination.url ?? '',
    username: destination.username,
    concurrency: destination.concurrency,
    enabled,
  };
}

/** Where a destination is: "AET @ host:port" for DICOM, its URL otherwise. */
export function destinationTarget(destination: Destination): string {
  if (destination.kind === 'dicom') {
    const host = destination.host.includes(':') ? `[${destination.host}]` : destination.host;
    return `${destination.aet ?? '?'} @ ${host}:${destination.port}`;
  }
  return destination.url ?? `${destination.host}:${destination.port}`;
}

export const KIND_LABELS: Readonly<Record<Destination['kind'], string>> = {
  dicom: 'DICOM C-STORE',
  'orthanc-peer': 'Orthanc peer',
  dicomweb: 'DICOMweb',
};

/** A connection test's outcome in one line. */
export function connectionTestText(result: ConnectionTestResult): string {
  const time = `${Math.round(result.milliseconds).toLocaleString('en-US')} ms`;
  return `${result.ok ? 'OK' : 'Failed'} (${time}): ${result.message}`;
}
