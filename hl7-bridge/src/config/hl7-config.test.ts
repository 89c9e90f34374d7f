// The configuration schema: documented defaults, and a flat shape the sidecar's loader can map
// environment variables onto (OUTSIDE_HL7_<KEY>).

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { hl7ConfigSchema, parseHl7Config } from './hl7-config.ts';

describe('hl7ConfigSchema', () => {
  it('describes every option', () => {
    const undocumented = Object.entries(hl7ConfigSchema.shape)
      .filter(([, schema]) => (schema.description ?? '') === '')
      .map(([key]) => key);
    expect(undocumented).toEqual([]);
  });

  it('keeps every option a single value except the two lists, so environment variables can set them', () => {
    const lists = Object.entries(hl7ConfigSchema.shape)
      .filter(([, schema]) => {
        let inner: z.ZodType = schema;
        while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
        return !(
          inner instanceof z.ZodString ||
          inner instanceof z.ZodNumber ||
          inner instanceof z.ZodBoolean ||
          inner instanceof z.ZodEnum
        );
      })
      .map(([key]) => key);
    expect(lists).toEqual(['processingIds', 'interfaces']);
  });

  it('fills in safe defaults: loopback, IANA port, outbound off', () => {
    expect(parseHl7Config()).toMatchObject({
      host: '127.0.0.1',
      port: 2575,
      patientIdAuthority: 'HOSP',
      outboundEnabled: false,
      processingMaxAttempts: 10,
      outboundRetryInitialMs: 30_000,
      outboundRetryMaxMs: 600_000,
    });
  });

  it('refuses unknown keys and bad values', () => {
    expect(() => parseHl7Config({ prot: 1 } as never)).toThrow();
    expect(() => parseHl7Config({ accessionField: 'OBR-99' } as never)).toThrow();
    expect(() => parseHl7Config({ port: 70_000 })).toThrow();
  });
});
