// Lists every file under a medium's root as a stream, one directory handle at a time, so the
// header reads can start on the first files while the walk goes on. Symbolic links are listed but
// never followed: a link on a medium (or in an extracted upload) could point anywhere on the
// server.

import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

export type MediaEntry =
  | { kind: 'file'; path: string; absolutePath: string }
  /** Symbolic links, sockets, devices: listed, never opened. */
  | { kind: 'special'; path: string; absolutePath: string; description: string };

export type WalkLimits = { maxFiles: number; maxDepth: number };

export class WalkLimitError extends Error {
  readonly code: 'too-many-files' | 'too-deep';

  constructor(code: 'too-many-files' | 'too-deep', message: string) {
    super(message);
    this.name = 'WalkLimitError';
    this.code = code;
  }
}

/**
 * Yields the entries under `root` depth-first (paths relative to `root`, `/`-separated). Throws
 * WalkLimitError past the limits, and the file system's error when `root` cannot be read.
 */
export async function* walkMedia(root: string, limits: WalkLimits): AsyncGenerator<MediaEntry> {
  const pending: { relative: string; depth: number }[] = [{ relative: '', depth: 0 }];
  let files = 0;
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    const directory = await opendir(join(root, folder.relative));
    for await (const dirent of directory) {
      const path = folder.relative === '' ? dirent.name : `${folder.relative}/${dirent.name}`;
      const absolutePath = join(root, path);
      if (dirent.isDirectory()) {
        if (folder.depth + 1 > limits.maxDepth) {
          throw new WalkLimitError('too-deep', `folders nest deeper than ${limits.maxDepth} levels at ${path}`);
        }
        pending.push({ relative: path, depth: folder.depth + 1 });
        continue;
      }
      files += 1;
      if (files > limits.maxFiles) {
        throw new WalkLimitError('too-many-files', `more than ${limits.maxFiles} files on the medium`);
      }
      if (dirent.isFile()) {
        yield { kind: 'file', path, absolutePath };
      } else {
        const description = dirent.isSymbolicLink() ? 'symbolic link (not followed)' : 'special file (not opened)';
        yield { kind: 'special', path, absolutePath, description };
      }
    }
  }
}
