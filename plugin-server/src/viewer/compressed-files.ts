import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Logger } from '../logger.ts';
import type { ContentCoding } from './accept-encoding.ts';
import { contentTypeOf, isCompressible } from './content-types.ts';

// The viewer's files as they go over the wire: rewritten where they must be (viewer-rewrite.ts)
// and compressed, both done once, on first request, and kept in a cache folder, named by the
// SHA-256 of the bytes they stand for. A new OHIF or extension build therefore never meets a stale
// entry, processes serving the same files share the work (the tests start many sidecars), and the
// sidecar's memory does not grow with the 50 MB of the viewer: bodies are streamed from disk.
//
// Compression levels, measured on OHIF 3.13.2's app bundle (17.4 MB) on this project's machine:
// gzip 6 gives 3.37 MB in 0.38 s (gzip 9: 3.34 MB, 1.0 s); brotli 5 gives 2.89 MB in 0.58 s
// (brotli 11: 2.45 MB, 44 s). The first request of a file waits for its compression, so it must
// take well under a second; zlib runs on libuv's thread pool, not on the event loop.

const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;
/** Below this, compression saves less than the round trip it cannot save. */
const MIN_COMPRESS_BYTES = 1024;

const compressWith: Record<ContentCoding, (content: Buffer) => Promise<Buffer>> = {
  br: (content) =>
    promisify(brotliCompress)(content, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
  gzip: (content) => promisify(gzip)(content, { level: GZIP_LEVEL }),
};
const SUFFIX: Record<ContentCoding, string> = { br: 'br', gzip: 'gz' };

/** One file as served, before content coding. */
export type ServedFile = {
  /** Where its bytes are: the installed file, or its rewritten copy in the cache. */
  path: string;
  size: number;
  /** SHA-256 of its bytes, hex: the cache key and the base of its ETag. */
  hash: string;
  contentType: string;
};

/** What to send for one request: the file in one coding (undefined: as is). */
export type ServedBody = { path: string; size: number; coding: ContentCoding | undefined; etag: string };

export type CompressedFilesOptions = {
  cacheDir: string;
  log: Logger;
  /** Rewrites a file's content, or returns undefined to serve it as installed. */
  transform?: (sourcePath: string, content: Buffer) => Buffer | undefined;
};

export class CompressedFiles {
  readonly #options: CompressedFilesOptions;
  /** By source path, size and modification time: a reinstalled file is read again. */
  readonly #files = new Map<string, Promise<ServedFile>>();
  /** By hash and coding; undefined when the coding does not make the file smaller. */
  readonly #encoded = new Map<string, Promise<{ path: string; size: number } | undefined>>();
  #cacheDirReady: Promise<unknown> | undefined;

  constructor(options: CompressedFilesOptions) {
    this.#options = options;
  }

  /** The file at `sourcePath` as served, or undefined when there is no regular file there. */
  async file(sourcePath: string): Promise<ServedFile | undefined> {
    const info = await stat(sourcePath).catch(() => undefined);
    if (info === undefined || !info.isFile()) return undefined;
    const key = `${sourcePath}\0${info.size}\0${info.mtimeMs}`;
    let served = this.#files.get(key);
    if (served === undefined) {
      served = this.#load(sourcePath);
      this.#files.set(key, served);
      // A failure (file replaced half-way, cache folder not writable) is retried by the next request.
      served.catch(() => this.#files.delete(key));
    }
    return served;
  }

  /** The body for a client that accepts `codings` (best first): the first that shrinks the file. */
  async body(file: ServedFile, codings: readonly ContentCoding[]): Promise<ServedBody> {
    if (file.size >= MIN_COMPRESS_BYTES && isCompressible(file.contentType)) {
      for (const coding of codings) {
        // A file that cannot be compressed (disk full) is still served, only bigger.
        const encoded = await this.#encode(file, coding).catch((error: unknown) => {
          this.#options.log.warn({ err: error, path: file.path, coding }, 'viewer file not compressed');
          return undefined;
        });
        if (encoded !== undefined) return { ...encoded, coding, etag: `"${file.hash.slice(0, 32)}-${coding}"` };
      }
    }
    return { path: file.path, size: file.size, coding: undefined, etag: `"${file.hash.slice(0, 32)}"` };
  }

  /** Starts compressing a file the client is about to ask for; failures are only logged. */
  warm(sourcePath: string, codings: readonly ContentCoding[]): void {
    this.file(sourcePath)
      .then((file) => (file === undefined ? undefined : this.body(file, codings.slice(0, 1))))
      .catch((error: unknown) => this.#options.log.warn({ err: error, sourcePath }, 'viewer file not precompressed'));
  }

  async #load(sourcePath: string): Promise<ServedFile> {
    const content = await readFile(sourcePath);
    const rewritten = this.#options.transform?.(sourcePath, content);
    const bytes = rewritten ?? content;
    const hash = createHash('sha256').update(bytes).digest('hex');
    const path = rewritten === undefined ? sourcePath : await this.#store(hash, () => Promise.resolve(rewritten));
    return { path, size: bytes.length, hash, contentType: contentTypeOf(sourcePath) };
  }

  #encode(file: ServedFile, coding: ContentCoding): Promise<{ path: string; size: number } | undefined> {
    const key = `${file.hash}.${SUFFIX[coding]}`;
    let encoded = this.#encoded.get(key);
    if (encoded === undefined) {
      encoded = this.#store(key, async () => compressWith[coding](await readFile(file.path))).then(async (path) => {
        const { size } = await stat(path);
        return size < file.size ? { path, size } : undefined;
      });
      this.#encoded.set(key, encoded);
      encoded.catch(() => this.#encoded.delete(key));
    }
    return encoded;
  }

  /** The cache file `name`, made with `make` unless another request or process made it already. */
  async #store(name: string, make: () => Promise<Buffer>): Promise<string> {
    const path = join(this.#options.cacheDir, name);
    if (
      await stat(path).then(
        (info) => info.isFile(),
        () => false,
      )
    ) {
      return path;
    }
    this.#cacheDirReady ??= mkdir(this.#options.cacheDir, { recursive: true }).catch((error: unknown) => {
      this.#cacheDirReady = undefined;
      throw error;
    });
    await this.#cacheDirReady;
    const content = await make();
    // Written aside and renamed: a reader (here or in another process) sees all of it or nothing.
    const partial = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.partial`;
    try {
      await writeFile(partial, content);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return path;
  }
}
