import { readFileSync } from 'node:fs';
import type { RunningOrthanc } from '@outside/orthanc-config';

/** Raw REST access to a test Orthanc, independent of the sidecar's own client. */
export function orthancRest(orthanc: RunningOrthanc) {
  const authorization = `Basic ${Buffer.from(`${orthanc.credentials.username}:${orthanc.credentials.password}`).toString('base64')}`;
  async function call(
    method: string,
    path: string,
    body?: Uint8Array<ArrayBuffer> | string,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${orthanc.httpUrl}${path}`, {
      method,
      headers: { authorization },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: response.status, json };
  }
  async function raw(
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; bytes: Uint8Array<ArrayBuffer> }> {
    const response = await fetch(`${orthanc.httpUrl}${path}`, {
      method,
      headers: { authorization },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
  }
  return {
    call,
    raw,
    async upload(file: string): Promise<{ ID: string; ParentStudy: string }> {
      const result = await call('POST', '/instances', readFileSync(file));
      if (result.status !== 200)
        throw new Error(`upload of ${file} failed: ${result.status} ${JSON.stringify(result.json)}`);
      return result.json as { ID: string; ParentStudy: string };
    },
    async studyIds(): Promise<string[]> {
      return (await call('GET', '/studies')).json as string[];
    },
  };
}
