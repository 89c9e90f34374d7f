import { z } from 'zod';

// Configuration of the HL7 bridge. Every option has a default and a description. The schema is
// flat on purpose: the sidecar nests it as its `hl7` section, and its loader maps environment
// variables onto `section.key` (plugin-server/src/config/config-loader.ts), so `hl7.outboundPort`
// is OUTSIDE_HL7_OUTBOUND_PORT. The two lists (processingIds, interfaces) come from the file only.

const port = z.number().int().min(0).max(65535);
const positiveMs = z.number().int().positive();

/** Fields an interface may carry its accession number in (DESIGN section 5). */
export const ACCESSION_FIELDS = ['OBR-18', 'OBR-3', 'ORC-3', 'IPC-1', 'ZDS-1'] as const;
export type AccessionField = (typeof ACCESSION_FIELDS)[number];

const accessionField = z.enum(ACCESSION_FIELDS);

const interfaceSchema = z.strictObject({
  sendingApplication: z.string().min(1).describe('MSH-3 namespace id (HD.1) of the sending interface.'),
  sendingFacility: z
    .string()
    .optional()
    .describe('MSH-4 namespace id (HD.1); unset matches any facility of that application.'),
  accessionField: accessionField.describe('Field this interface carries the accession number in.'),
});

export const hl7ConfigSchema = z.strictObject({
  host: z
    .string()
    .default('127.0.0.1')
    .describe('Interface the MLLP listener binds; listening beyond loopback is a deliberate choice.'),
  port: port.default(2575).describe('MLLP listener TCP port (2575 is the IANA port for HL7 over MLLP); 0 = any.'),
  maxFrameBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Largest accepted MLLP frame; a bigger one closes the connection.'),
  idleTimeoutMs: z
    .number()
    .int()
    .nonnegative()
    .default(10 * 60 * 1000)
    .describe('Close a connection silent for this long; 0 = never.'),
  tlsKeyFile: z
    .string()
    .optional()
    .describe('PEM private key of the listener; with tlsCertFile, serves MLLP over TLS.'),
  tlsCertFile: z.string().optional().describe('PEM certificate chain of the listener.'),
  tlsCaFile: z.string().optional().describe('PEM CA bundle that client certificates must chain to.'),
  tlsRequestCert: z.boolean().default(false).describe('Require and verify a client certificate (with TLS).'),
  receivingApplication: z
    .string()
    .default('OUTSIDE')
    .describe('Our MSH-3 in ACKs when the message left MSH-5 empty, and in order requests.'),
  receivingFacility: z
    .string()
    .default('HOSP')
    .describe('Our MSH-4 in ACKs when the message left MSH-6 empty, and in order requests.'),
  patientIdAuthority: z
    .string()
    .min(1)
    .default('HOSP')
    .describe(
      'Assigning authority of the local MRN: the PID-3 repetition whose CX.4 (namespace id or universal id) ' +
        'equals this and whose CX.5 is MR is the MRN.',
    ),
  processingIds: z
    .array(z.enum(['P', 'D', 'T']))
    .min(1)
    .default(['P', 'D', 'T'])
    .describe('MSH-11 processing ids accepted (HL7 table 0103); others get AR 202.'),
  accessionField: accessionField
    .optional()
    .describe('Accession number field for every interface; unset: OBR-18 for ORM^O01, IPC-1 for OMI^O23.'),
  interfaces: z
    .array(interfaceSchema)
    .default([])
    .describe('Per-interface accession field, matched on MSH-3 (and MSH-4 when given).'),

  processingPollIntervalMs: positiveMs.default(500).describe('Inbox poll period when nothing new was signalled.'),
  processingBatchSize: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .describe('Stored messages applied per database transaction (one commit, one fsync).'),
  processingCoalesceMs: z
    .number()
    .int()
    .nonnegative()
    .default(20)
    .describe(
      'After new messages are signalled, wait this long so messages arriving together share one ' +
        'transaction (fewer commits competing with the receiving side for the database).',
    ),
  processingRetryInitialMs: positiveMs
    .default(1_000)
    .describe('Wait before re-applying a message that failed in a retryable way; doubles per attempt.'),
  processingRetryMaxMs: positiveMs.default(60_000).describe('Longest wait between two processing attempts.'),
  processingMaxAttempts: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Processing attempts before a message is failed (visible with its reason, reprocessable).'),

  outboundEnabled: z.boolean().default(false).describe('Run the sender of order requests and application ACKs.'),
  outboundHost: z.string().default('127.0.0.1').describe('EMR MLLP host that receives our order requests.'),
  outboundPort: port.default(2576).describe('EMR MLLP port.'),
  outboundReceivingApplication: z.string().default('EMR').describe('MSH-5 of order requests.'),
  outboundReceivingFacility: z.string().default('HOSP').describe('MSH-6 of order requests.'),
  outboundVersion: z.enum(['2.3', '2.3.1', '2.4', '2.5', '2.5.1']).default('2.5').describe('MSH-12 of order requests.'),
  outboundProcessingId: z.enum(['P', 'D', 'T']).default('P').describe('MSH-11 of order requests.'),
  outboundConnectTimeoutMs: positiveMs.default(10_000).describe('Timeout of one connection attempt to the EMR.'),
  outboundAckTimeoutMs: positiveMs.default(30_000).describe('Wait for the EMR’s ACK of one outbound message.'),
  outboundPollIntervalMs: positiveMs.default(1_000).describe('Outbox poll period when nothing new was signalled.'),
  outboundRetryInitialMs: positiveMs
    .default(30_000)
    .describe('Wait before resending after a refusal, AE/AR or no answer; doubles per attempt.'),
  outboundRetryMaxMs: positiveMs.default(600_000).describe('Longest wait between two send attempts.'),
  outboundMaxAttempts: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Send attempts before an outbound message is dead (visible with its reason, retryable).'),
});

export type Hl7Config = z.infer<typeof hl7ConfigSchema>;
export type Hl7ConfigInput = z.input<typeof hl7ConfigSchema>;
export type Hl7InterfaceConfig = z.infer<typeof interfaceSchema>;

/** Parses and fills in defaults; throws zod's error on invalid input. */
export function parseHl7Config(input: Hl7ConfigInput = {}): Hl7Config {
  return hl7ConfigSchema.parse(input);
}

export function processingBackoff(config: Hl7Config): { retryInitialMs: number; retryMaxMs: number } {
  return { retryInitialMs: config.processingRetryInitialMs, retryMaxMs: config.processingRetryMaxMs };
}

export function outboundBackoff(config: Hl7Config): { retryInitialMs: number; retryMaxMs: number } {
  return { retryInitialMs: config.outboundRetryInitialMs, retryMaxMs: config.outboundRetryMaxMs };
}
