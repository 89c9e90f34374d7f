// QIDO-RS across studies (`/studies`, `/series`, `/instances` without a study in the path): the
// one answer the proxy reads whole, because results of studies the principal may not see must be
// taken out. These answers are small (OHIF pages the study list); a cap keeps a query that matches
// everything from filling the sidecar's memory.

import type { IncomingMessage } from 'node:http';
import { DomainError } from '../domain/errors.ts';
import { upstreamRefusal } from './dicomweb-upstream.ts';
import { rewriteUrls, type UrlRewrite } from './orthanc-url-rewrite.ts';
import { qidoAnswerSchema, type QidoResult } from './qido-filter.ts';

export const QIDO_ANSWER_LIMIT_BYTES = 50 * 1024 * 1024;

async function readCapped(answer: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of answer) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      answer.destroy();
      throw new DomainError(
        'payload_too_large',
        `the query matched more than ${limit / 1024 / 1024} MB of results; narrow it (filters, limit)`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and validates Orthanc's QIDO answer, with Orthanc's URLs already rewritten. */
export async function readQidoAnswer(
  answer: IncomingMessage,
  rewrite: UrlRewrite,
  limit = QIDO_ANSWER_LIMIT_BYTES,
): Promise<QidoResult[]> {
  const status = answer.statusCode ?? 502;
  if (status >= 400) {
    answer.resume();
    throw upstreamRefusal(status);
  }
  const body = await readCapped(answer, limit);
  if (status === 204 || body.length === 0) return [];
  let json: unknown;
  try {
    json = JSON.parse(rewriteUrls(body, rewrite).toString('utf8'));
  } catch {
    throw new DomainError('orthanc_error', 'the image store answered a search with something other than JSON');
  }
  const parsed = qidoAnswerSchema.safeParse(json);
  if (!parsed.success) throw new DomainError('orthanc_error', 'the image store answered a search unexpectedly');
  return parsed.data;
}
