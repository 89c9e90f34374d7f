// Orthanc's DICOMweb plugin writes absolute URLs to itself into its answers: BulkDataURI in
// metadata, Retrieve URL (0008,1190) in QIDO results. It builds them from the Host header (or a
// `Forwarded` header, or its `DicomWeb.Host` option) plus its root, e.g.
// `http://127.0.0.1:8042/dicom-web/studies/1.2/series/3.4/instances/5.6/bulk/7fe00010`
// (checked against Orthanc 1.10.1 with plugin 1.7). Given to the browser, OHIF would fetch them
// from Orthanc directly: broken (loopback, no credentials) and a leak of Orthanc's address. The
// proxy rewrites them to its own path on the sidecar's origin, `/viewer/dicom-web/...`, as the
// bytes stream through: a series' metadata can be megabytes and is never held whole.

import { Transform, type TransformCallback } from 'node:stream';

export interface UrlRewrite {
  /** Literal prefixes Orthanc writes (scheme, host and DICOMweb root). */
  from: readonly string[];
  /** What each becomes. */
  to: string;
}

/**
 * The prefixes Orthanc writes when the proxy calls it at `orthancUrl` (it sends that URL's host as
 * Host, and no Forwarded header). Both schemes: `DicomWeb.Ssl` decides which one Orthanc writes.
 */
export function orthancUrlRewrite(orthancUrl: string, dicomwebRoot: string, publicRoot: string): UrlRewrite {
  const { host } = new URL(orthancUrl);
  return { from: [`http://${host}${dicomwebRoot}`, `https://${host}${dicomwebRoot}`], to: publicRoot };
}

/** Replaces every occurrence of the prefixes in a whole buffer. */
export function rewriteUrls(body: Buffer, rewrite: UrlRewrite): Buffer {
  const replacer = new LiteralReplacer(rewrite);
  return Buffer.concat([replacer.push(body), replacer.flush()]);
}

/** A stream that replaces the prefixes, also where one is split across chunks. */
export function urlRewriteStream(rewrite: UrlRewrite): Transform {
  const replacer = new LiteralReplacer(rewrite);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      callback(null, replacer.push(chunk));
    },
    flush(callback: TransformCallback) {
      callback(null, replacer.flush());
    },
  });
}

/**
 * Streaming replacement of literal byte strings. It holds back at most the longest needle minus
 * one byte, the only part of a chunk where a needle may start without ending.
 */
class LiteralReplacer {
  private readonly needles: Buffer[];
  private readonly replacement: Buffer;
  private readonly keep: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(rewrite: UrlRewrite) {
    this.needles = rewrite.from.filter((needle) => needle !== '').map((needle) => Buffer.from(needle, 'utf8'));
    this.replacement = Buffer.from(rewrite.to, 'utf8');
    this.keep = Math.max(0, ...this.needles.map((needle) => needle.length - 1));
  }

  push(chunk: Buffer): Buffer {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let position = 0;
    for (;;) {
      const match = this.earliest(buffer, position);
      if (match === undefined) break;
      out.push(buffer.subarray(position, match.at), this.replacement);
      position = match.at + match.length;
    }
    // Whatever could still be the start of a needle waits for the next chunk.
    const emitUpTo = Math.max(position, buffer.length - this.keep);
    out.push(buffer.subarray(position, emitUpTo));
    this.pending = Buffer.from(buffer.subarray(emitUpTo));
    return out.length === 1 && out[0] !== undefined ? out[0] : Buffer.concat(out);
  }

  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  private earliest(buffer: Buffer, from: number): { at: number; length: number } | undefined {
    let best: { at: number; length: number } | undefined;
    for (const needle of this.needles) {
      const at = buffer.indexOf(needle, from);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, length: needle.length };
    }
    return best;
  }
}
