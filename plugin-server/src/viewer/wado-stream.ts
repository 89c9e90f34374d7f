// Passes one Orthanc answer inside an authorised study to the browser as it arrives: WADO-RS
// multipart series (hundreds of megabytes), frames, bulk data, rendered images, metadata. Nothing
// is buffered: `pipeline` reads from Orthanc only as fast as the browser takes the bytes, and the
// browser going away aborts the request to Orthanc.

import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import { upstreamRefusal, type DicomwebUpstream } from './dicomweb-upstream.ts';
import { urlRewriteStream, type UrlRewrite } from './orthanc-url-rewrite.ts';

/** Headers passed on from Orthanc; everything else (Server, WWW-Authenticate, Connection) is not. */
const FORWARDED_HEADERS = ['content-type', 'etag', 'last-modified'] as const;

/** Proxied pixel data and metadata: for this user's browser only, never stored by it. */
export const PROXIED_CACHE_CONTROL = 'private, no-store';

export interface StreamContext {
  request: Request;
  response: Response;
  upstream: DicomwebUpstream;
  rewrite: UrlRewrite;
  log: Logger;
}

/** DICOM JSON (metadata, QIDO inside a study) carries Orthanc's URLs; pixel data does not. */
function carriesUrls(contentType: string): boolean {
  return /json/i.test(contentType);
}

/** Pipes Orthanc's answer for `pathAndQuery` to the browser; resolves when done or abandoned. */
export async function streamAnswer(context: StreamContext, pathAndQuery: string, studyInstanceUid: string) {
  const { request, response, upstream, rewrite, log } = context;
  const browserGone = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) browserGone.abort();
  });
  let answer: IncomingMessage;
  try {
    answer = await upstream.get(pathAndQuery, request.get('accept'), browserGone.signal);
  } catch (error) {
    if (browserGone.signal.aborted) return;
    throw error;
  }
  const status = answer.statusCode ?? 502;
  if (status >= 400) {
    answer.resume();
    throw upstreamRefusal(status);
  }
  const contentType = answer.headers['content-type'] ?? 'application/octet-stream';
  if (/xml/i.test(contentType)) {
    // Not rewritable in place: each multipart part states its own Content-Length.
    answer.destroy();
    throw new DomainError('orthanc_error', 'unexpected XML answer from the image store');
  }
  const rewriting = carriesUrls(contentType);
  response.status(status);
  for (const name of FORWARDED_HEADERS) {
    const value = answer.headers[name];
    if (typeof value === 'string') response.setHeader(name, value);
  }
  // The multipart boundary is part of Content-Type, passed on verbatim above.
  const length = answer.headers['content-length'];
  if (!rewriting && length !== undefined) response.setHeader('content-length', length);
  response.setHeader('cache-control', PROXIED_CACHE_CONTROL);
  if (request.method === 'HEAD') {
    answer.destroy();
    response.end();
    return;
  }
  try {
    if (rewriting) await pipeline(answer, urlRewriteStream(rewrite), response);
    else await pipeline(answer, response);
  } catch (error) {
    if (browserGone.signal.aborted) {
      log.debug({ studyInstanceUid }, 'viewer went away during a DICOMweb answer');
      return;
    }
    // Headers are gone: all that is left is to cut the connection so the browser sees a failure.
    log.warn({ err: error, studyInstanceUid }, 'DICOMweb answer broke off');
    response.destroy();
  }
}
