import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/api-client.ts';
import { EMPTY_MESSAGE_FILTER, getMessage, messageListPath, reprocessMessage } from './hl7-messages.resource.ts';
import { EMPTY_ORDER_FILTER, orderListPath } from './orders.resource.ts';
import { EMPTY_OUTBOX_FILTER, outboxListPath, retryOutboxMessage } from './outbox.resource.ts';
import { EMPTY_PATIENT_FILTER, patientListPath } from './patients.resource.ts';

describe('HL7 resources', () => {
  it.each([
    [messageListPath(EMPTY_MESSAGE_FILTER, { limit: 51 }), '/api/hl7/messages?limit=51'],
    [
      messageListPath({ state: 'failed', messageType: ' ORM^O01 ', controlId: 'C 1' }, { limit: 51, before: 90 }),
      '/api/hl7/messages?limit=51&before=90&state=failed&messageType=ORM%5EO01&controlId=C+1',
    ],
    [orderListPath(EMPTY_ORDER_FILTER, { limit: 51 }), '/api/orders?limit=51'],
    [
      orderListPath({ mrn: 'M1', accessionNumber: 'A&B', status: 'in_progress' }, { limit: 51, before: 3 }),
      '/api/orders?limit=51&before=3&mrn=M1&accessionNumber=A%26B&status=in_progress',
    ],
    [patientListPath(EMPTY_PATIENT_FILTER, { limit: 51 }), '/api/patients?limit=51'],
    [
      patientListPath({ mrn: '', familyNamePrefix: ' Mü', birthDate: '1990-01-01' }, { limit: 51 }),
      '/api/patients?limit=51&familyNamePrefix=M%C3%BC&birthDate=1990-01-01',
    ],
    [outboxListPath(EMPTY_OUTBOX_FILTER, { limit: 51 }), '/api/hl7/outbox?limit=51'],
    [outboxListPath({ state: 'dead' }, { limit: 51, before: 7 }), '/api/hl7/outbox?limit=51&before=7&state=dead'],
  ])('asks for %s', (path, expected) => {
    expect(path).toBe(expected);
  });

  it('parses a message detail and refuses an answer of the wrong shape', async () => {
    const api = new ApiClient();
    const message = {
      id: 4,
      received_at: '2024-03-01T10:15:00.000Z',
      connection_id: 'c1',
      remote_address: '127.0.0.1',
      sending_application: 'EMR',
      sending_facility: 'HOSP',
      control_id: 'C1',
      dedup_key: '["EMR","HOSP","C1"]',
      message_type: 'ORM^O01',
      version: '2.5',
      charset: '',
      application_ack_type: '',
      batch_control_id: null,
      content_hash: 'ab',
      ack_code: 'AA',
      state: 'processed',
      error_code: null,
      error_detail: null,
      attempts: 1,
      next_attempt_at: null,
      processed_at: '2024-03-01T10:15:01.000Z',
      updated_at: '2024-03-01T10:15:01.000Z',
    };
    const get = vi
      .spyOn(api, 'request')
      .mockImplementation(async (_method, _path, schema) =>
        schema.parse({ message, rawText: 'MSH|1\rPID|1', ackText: 'MSH|1\rMSA|AA|C1' }),
      );
    const detail = await getMessage(api, 4);
    expect(detail.message.control_id).toBe('C1');
    expect(get).toHaveBeenCalledWith('GET', '/api/hl7/messages/4', expect.anything(), { signal: undefined });

    get.mockImplementation(async (_method, _path, schema) =>
      schema.parse({ message: { ...message, state: 'lost' }, rawText: '', ackText: '' }),
    );
    await expect(getMessage(api, 4)).rejects.toThrow();
  });

  it('posts re-process and retry requests', async () => {
    const api = new ApiClient();
    const request = vi
      .spyOn(api, 'request')
      .mockImplementation(async (_method, _path, schema) => schema.parse({ ok: true }));
    await reprocessMessage(api, 5);
    await retryOutboxMessage(api, 6);
    expect(request.mock.calls.map(([method, path]) => `${method} ${path}`)).toEqual([
      'POST /api/hl7/messages/5/reprocess',
      'POST /api/hl7/outbox/6/retry',
    ]);
  });
});
