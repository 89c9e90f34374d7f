import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { destinationSchema } from '../domain/routing.ts';

// What an admin sends to create or change a destination, and how it becomes the columns of the
// `destinations` table. Pure: the host check (DNS) happens in the store.

/**
 * A DICOM AE title (PS3.5 6.2, value representation AE): at most 16 characters of the default
 * repertoire without backslash or control characters; leading and trailing spaces are not
 * significant, so they are trimmed here.
 */
export const aeTitleSchema = z
  .string()
  .trim()
  .min(1, 'the AE title is empty')
  .max(16, 'an AE title has at most 16 characters')
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'an AE title is printable ASCII without backslash');

const settingsFields = {
  /** Route jobs of this destination sent at once. */
  concurrency: z.number().int().min(1).max(8).default(1),
  enabled: z.boolean().default(true),
};

const dicomFieldsSchema = z.strictObject({
  kind: z.literal('dicom'),
  /** Called AE title of the destination. */
  aet: aeTitleSchema,
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  /** Ask for storage commitment and verify with its report. */
  storageCommitment: z.boolean().default(false),
  ...settingsFields,
});

const httpFieldsSchema = z.strictObject({
  kind: z.enum(['orthanc-peer', 'dicomweb']),
  /** Orthanc peer: its REST root; DICOMweb: the service root (e.g. https://pacs/dicom-web). */
  url: z.string().trim().min(1).max(2000),
  username: z.string().min(1).max(200).nullable().default(null),
  /** Write-only. On change: absent keeps the stored password, null removes it. */
  password: z.string().min(1).max(1000).nullable().optional(),
  ...settingsFields,
});

/** The body of PUT /api/destinations/:id. The name is not part of it: rules refer to destinations by name. */
export const destinationChangeSchema = z.discriminatedUnion('kind', [dicomFieldsSchema, httpFieldsSchema]);
export type DestinationChange = z.infer<typeof destinationChangeSchema>;
export type DestinationChangeInput = z.input<typeof destinationChangeSchema>;

const nameField = { name: destinationSchema.shape.name };

/** The body of POST /api/destinations. */
export const newDestinationSchema = z.discriminatedUnion('kind', [
  dicomFieldsSchema.extend(nameField),
  httpFieldsSchema.extend(nameField),
]);
export type NewDestination = z.infer<typeof newDestinationSchema>;
export type NewDestinationInput = z.input<typeof newDestinationSchema>;

/** The columns a change decides (everything but id, name, password and timestamps). */
export interface DestinationColumns {
  kind: DestinationChange['kind'];
  aet: string | null;
  host: string;
  port: number;
  url: string | null;
  username: string | null;
  concurrency: number;
  enabled: number;
  storage_commitment: number;
}

/**
 * Turns a validated change into columns. For HTTP kinds the host and port are those of the URL,
 * so the host check covers them too. Throws DomainError 'invalid_input' on an unusable URL.
 */
export function destinationColumns(change: DestinationChange): DestinationColumns {
  const settings = { concurrency: change.concurrency, enabled: change.enabled ? 1 : 0 };
  if (change.kind === 'dicom') {
    return {
      kind: 'dicom',
      aet: change.aet,
      host: change.host,
      port: change.port,
      url: null,
      username: null,
      storage_commitment: change.storageCommitment ? 1 : 0,
      ...settings,
    };
  }
  const url = parseDestinationUrl(change.url);
  return {
    kind: change.kind,
    aet: null,
    host: url.host,
    port: url.port,
    url: url.href,
    username: change.username,
    storage_commitment: 0,
    ...settings,
  };
}

export interface DestinationUrl {
  href: string;
  /** Without the brackets of an IPv6 literal. */
  host: string;
  port: number;
}

/** Problem with a destination URL, as a sentence; `null` when it is usable. Pure. */
export function destinationUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the URL must start with http:// or https://';
  // The URL is returned by the API; credentials in it would leak. They have their own fields.
  if (url.username !== '' || url.password !== '')
    return 'put the user name and password in their fields, not in the URL';
  if (url.search !== '' || url.hash !== '') return 'the URL must not have a query or a fragment';
  return null;
}

export function parseDestinationUrl(text: string): DestinationUrl {
  const problem = destinationUrlProblem(text);
  if (problem !== null) throw new DomainError('invalid_input', `destination URL: ${problem}`, { url: text });
  const url = new URL(text);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  // No trailing slash: callers append paths such as /studies or /instances.
  const href = url.href.replace(/\/+$/, '');
  return { href, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
