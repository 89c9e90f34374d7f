import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hl7ConfigSchema } from '@outside/hl7-bridge/config';
import { z } from 'zod';
import { matchConfigSchema } from '../matching/match-types.ts';
import { CHECKOUT_DATA_DIR, DEFAULT_CONTROL_SOCKET, DEFAULT_SQLITE_PATH } from './config-sources.ts';

// Every option has a default and a description; `outside config` prints them with their
// environment variable (config-sources.ts: `OUTSIDE_` + the path in upper snake case).

const port = z.number().int().min(0).max(65535);

/** Paths inside this checkout, whatever the working directory of the process. */
const inRepository = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export const configSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1').describe('Address the sidecar listens on.'),
      port: port.default(8080).describe('HTTP port of the sidecar (web UI, API, viewer).'),
      trustProxy: z
        .boolean()
        .default(false)
        .describe('Trust X-Forwarded-* headers (set when a TLS-terminating proxy sits in front).'),
    })
    .prefault({}),
  database: z
    .strictObject({
      driver: z.enum(['sqlite']).default('sqlite').describe('Database engine (PostgreSQL support is planned).'),
      sqlitePath: z
        .string()
        .default(DEFAULT_SQLITE_PATH)
        .describe('SQLite database file; `:memory:` for a throwaway database.'),
    })
    .prefault({}),
  orthanc: z
    .strictObject({
      url: z.string().url().default('http://127.0.0.1:8042').describe('REST URL of the staging Orthanc (loopback).'),
      username: z.string().default('outside').describe('Orthanc HTTP user of the sidecar.'),
      password: z.string().default('').describe('Orthanc HTTP password of the sidecar.'),
      requestTimeoutMs: z.number().int().positive().default(30_000).describe('Timeout of one Orthanc REST request.'),
    })
    .prefault({}),
  changes: z
    .strictObject({
      pollIntervalMs: z
        .number()
        .int()
        .positive()
        .default(500)
        .describe('Pause between polls of Orthanc /changes when caught up.'),
      batchSize: z.number().int().min(1).max(1000).default(200).describe('Changes read per /changes request.'),
      sweepIntervalMs: z
        .number()
        .int()
        .positive()
        .default(300_000)
        .describe('Period of the full sweep that catches studies whose events were lost.'),
      gapSweepDelayMs: z
        .number()
        .int()
        .nonnegative()
        .default(5_000)
        .describe('Coalescing delay of the sweep triggered by a gap in the change sequence.'),
    })
    .prefault({}),
  import: z
    .strictObject({
      workDir: z
        .string()
        .default(join(CHECKOUT_DATA_DIR, 'import-work'))
        .describe('Scratch folder for uploads and unpacked zips; emptied as each batch is imported.'),
      controlSocket: z
        .string()
        .default(DEFAULT_CONTROL_SOCKET)
        .describe(
          'Unix socket (owner-only) on which the running sidecar takes `outside import` runs, so they run in ' +
            'the warm server; empty: import.sock beside the database; `off`: none (the command imports by itself).',
        ),
      concurrency: z.number().int().min(1).max(64).default(12).describe('Files sent to Orthanc at once per import.'),
      maxSessionBytes: z
        .number()
        .int()
        .positive()
        .default(20 * 1024 ** 3)
        .describe('Bytes one import session may upload in total.'),
      maxFiles: z.number().int().positive().default(100_000).describe('Files one import session may contain.'),
      maxFileBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 ** 3)
        .describe('Bytes of one uploaded file.'),
      zipMaxEntries: z.number().int().positive().default(100_000).describe('Entries of one uploaded zip.'),
      zipMaxExpansionRatio: z
        .number()
        .positive()
        .default(100)
        .describe('Uncompressed / compressed size of one zip entry above which the zip is refused (zip bombs).'),
    })
    .prefault({}),
  session: z
    .strictObject({
      cookieName: z.string().default('outside_session').describe('Name of the session cookie.'),
      idleTimeoutMinutes: z
        .number()
        .positive()
        .default(15)
        .describe('A session unused this long expires (HIPAA automatic logoff).'),
      absoluteTimeoutHours: z.number().positive().default(12).describe('A session expires this long after login.'),
      secureCookie: z
        .enum(['auto', 'always', 'never'])
        .default('auto')
        .describe('Secure flag of the session cookie; `auto` sets it on HTTPS requests.'),
    })
    .prefault({}),
  hl7: hl7ConfigSchema
    .extend({
      enabled: z.boolean().default(true).describe('Run the HL7 MLLP listener and the processing of received messages.'),
    })
    .prefault({}),
  matching: matchConfigSchema.prefault({}),
  sharing: z
    .strictObject({
      defaultExpiryDays: z
        .number()
        .int()
        .min(1)
        .default(7)
        .describe('Lifetime of a share link unless its creator says otherwise.'),
      maxExpiryDays: z.number().int().min(1).default(30).describe('Longest lifetime a share link may be given.'),
      sessionMinutes: z
        .number()
        .int()
        .min(1)
        .default(60)
        .describe('Lifetime of the study-scoped viewer session a share link is exchanged for (never past the link).'),
      cookieName: z.string().default('outside_share').describe('Cookie of the share viewer session (path /viewer).'),
      publicUrl: z
        .string()
        .url()
        .optional()
        .describe(
          "Address recipients reach the sidecar at (e.g. https://outside.example.org); default: the request's.",
        ),
    })
    .prefault({}),
  secondRead: z
    .strictObject({
      procedureCode: z
        .string()
        .min(1)
        .default('OUTSIDE-READ')
        .describe(
          'OBR-4.1 of the order requested when a physician asks for a second read of an outside study; ' +
            "list it in matching.secondReadCodes too so the EMR's order is matched to the study.",
        ),
      procedureText: z.string().default('Second read of outside imaging').describe('OBR-4.2 of that order.'),
      codingSystem: z.string().default('L').describe('OBR-4.3 of that order (L: local code).'),
    })
    .prefault({}),
  coercion: z
    .strictObject({
      modifyingSystem: z
        .string()
        .default('OUTSIDE-STUDIES')
        .describe('Modifying System (0400,0563) written in the Original Attributes Sequence.'),
      issuerOfAccessionNumber: z
        .string()
        .default('')
        .describe('Local Namespace Entity ID of the Issuer of Accession Number Sequence; empty: not written.'),
      concurrency: z.number().int().min(1).max(32).default(4).describe('Instances rewritten at once.'),
      spoolDir: z
        .string()
        .default(join(CHECKOUT_DATA_DIR, 'coercion-spool'))
        .describe('Folder holding rewritten instances between delete and store (crash safety).'),
      pollIntervalMs: z
        .number()
        .int()
        .positive()
        .default(500)
        .describe('Pause of the matching and coercion workers when idle.'),
      retryBaseMs: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe('First retry delay of a failed coercion; doubles up to 10 minutes.'),
      maxAttempts: z.number().int().min(1).default(10).describe('Attempts before a coercion is marked failed.'),
    })
    .prefault({}),
  routing: z
    .strictObject({
      allowLoopbackDestinations: z
        .boolean()
        .default(false)
        .describe(
          'Allow destinations on loopback or link-local addresses (demo PACS on this machine, tests); ' +
            'off in production so the routing page cannot reach internal services.',
        ),
      retryBaseMs: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe('First retry delay of a failed delivery; doubles up to 10 minutes.'),
      maxAttempts: z.number().int().min(1).default(10).describe('Attempts before a delivery is dead.'),
      pollIntervalMs: z.number().int().positive().default(1000).describe('Pause of an idle destination worker.'),
    })
    .prefault({}),
  viewer: z
    .strictObject({
      ohifDir: z
        .string()
        .default(inRepository('.runtime/ohif'))
        .describe('The prebuilt OHIF viewer (fetched by `bash scripts/install-ohif.sh`), served under /viewer/.'),
      extensionDir: z
        .string()
        .default(inRepository('ohif-extension/dist'))
        .describe('Our OHIF extension and mode (`npm run build:ohif-extension`), served under /viewer/outside/.'),
      cacheDir: z
        .string()
        .default(inRepository('.runtime/viewer-cache'))
        .describe('Rewritten and compressed (gzip, brotli) copies of viewer files, made on first request.'),
      serveOrt: z
        .boolean()
        .default(false)
        .describe("Serve the viewer's ONNX runtime (ort/, 136 MB), used only by its AI segmentation tools."),
      serveMicroscopy: z
        .boolean()
        .default(false)
        .describe('Serve the slide microscopy viewer (dicom-microscopy-viewer/, 20 MB) for whole-slide images.'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('Log level.'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
