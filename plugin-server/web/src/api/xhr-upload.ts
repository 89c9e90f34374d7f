// fetch() cannot report upload progress; XMLHttpRequest can (xhr.upload "progress" events), and
// the progress bar must show bytes actually sent. This wraps one XHR POST in a promise.

import { apiErrorFrom, ApiError, type ApiClient, type Schema } from './api-client.ts';

export type XhrUploadOptions = {
  /** Bytes of the request body sent so far and the body's total (multipart framing included). */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  contentType?: string;
};

export function xhrUpload<T>(
  api: ApiClient,
  path: string,
  body: FormData | Blob,
  schema: Schema<T>,
  options: XhrUploadOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted === true) {
      reject(new DOMException('upload cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(api.writeHeaders())) xhr.setRequestHeader(name, value);
    // FormData sets its own multipart boundary; only raw bodies need a type.
    if (options.contentType !== undefined) xhr.setRequestHeader('content-type', options.contentType);
    const onAbort = (): void => {
      xhr.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
    };
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(schema.parse(JSON.parse(xhr.responseText)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      }
      if (xhr.status === 401) api.notifyUnauthorized();
      reject(apiErrorFrom(xhr.status, xhr.responseText));
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ApiError(0, 'network_error', 'the upload was interrupted; check the network and try again'));
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(new DOMException('upload cancelled', 'AbortError'));
    });
    xhr.send(body);
  });
}
