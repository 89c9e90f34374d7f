import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { orthancUrlRewrite, rewriteUrls, urlRewriteStream } from './orthanc-url-rewrite.ts';

const rewrite = orthancUrlRewrite('http://127.0.0.1:8042', '/dicom-web/', '/viewer/dicom-web/');
const ORTHANC = 'http://127.0.0.1:8042/dicom-web/';
const metadata = (count: number) =>
  JSON.stringify(
    Array.from({ length: count }, (_, index) => ({
      '7FE00010': { vr: 'OW', BulkDataURI: `${ORTHANC}studies/1/series/2/instances/${index}/bulk/7fe00010` },
      '00081190': { vr: 'UR', Value: [`https://127.0.0.1:8042/dicom-web/studies/1/series/2/instances/${index}`] },
    })),
  );

async function throughStream(chunks: Buffer[]): Promise<string> {
  return text(Readable.from(chunks).pipe(urlRewriteStream(rewrite)));
}

function split(body: string, sizes: number[]): Buffer[] {
  const bytes = Buffer.from(body);
  const chunks: Buffer[] = [];
  let at = 0;
  for (let index = 0; at < bytes.length; index++) {
    const size = sizes[index % sizes.length] ?? 1;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('Orthanc URL rewriting', () => {
  it('knows the prefixes Orthanc writes for the URL it is called at', () => {
    expect(orthancUrlRewrite('http://localhost:8042/', '/dicom-web/', '/v/').from).toEqual([
      'http://localhost:8042/dicom-web/',
      'https://localhost:8042/dicom-web/',
    ]);
    expect(orthancUrlRewrite('http://orthanc/', '/dicom-web/', '/v/').from[0]).toBe('http://orthanc/dicom-web/');
  });

  it('rewrites a whole buffer', () => {
    const out = rewriteUrls(Buffer.from(metadata(3)), rewrite).toString();
    expect(out).not.toContain('127.0.0.1');
    expect(out).toContain('"BulkDataURI":"/viewer/dicom-web/studies/1/series/2/instances/2/bulk/7fe00010"');
    expect(out).toContain('"Value":["/viewer/dicom-web/studies/1/series/2/instances/0"]');
  });

  it('leaves other URLs and bodies without a prefix byte for byte', () => {
    const body = '{"a":"http://127.0.0.1:8042/instances","b":"http://127.0.0.1:8042/dicom-we","c":"ü"}';
    expect(rewriteUrls(Buffer.from(body), rewrite).toString()).toBe(body);
    expect(rewriteUrls(Buffer.alloc(0), rewrite)).toHaveLength(0);
  });

  it.each([[[1]], [[2, 3]], [[7]], [[31, 1, 64]], [[ORTHANC.length - 1]], [[ORTHANC.length]], [[4096]]])(
    'gives the same bytes whatever the chunking (%j)',
    async (sizes) => {
      const body = metadata(20);
      const expected = rewriteUrls(Buffer.from(body), rewrite).toString();
      expect(await throughStream(split(body, sizes))).toBe(expected);
    },
  );

  it('holds back no more than a prefix length', () => {
    const stream = urlRewriteStream(rewrite);
    const seen: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => seen.push(chunk));
    stream.write(Buffer.from('x'.repeat(1000) + 'http://127.0.0.1:80'));
    const written = Buffer.concat(seen).length;
    expect(written).toBeGreaterThanOrEqual(1000 + 19 - (ORTHANC.length + 1));
    stream.end(Buffer.from('42/dicom-web/studies'));
    expect(Buffer.concat(seen).toString()).toBe('x'.repeat(1000) + '/viewer/dicom-web/studies');
  });
});
