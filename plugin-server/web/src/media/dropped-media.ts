// What a drop on the import page contains: a folder (walked with the File and Directory Entries
// API, webkitGetAsEntry), a zip, or loose files. The entries must be taken from the DataTransfer
// synchronously, inside the drop event; the walk itself is asynchronous.

import type { MediaFile } from '../import/imports.resource.ts';

export type Dropped = { kind: 'zip'; file: File } | { kind: 'files'; files: MediaFile[] } | { kind: 'empty' };

/** Largest folder depth walked; real media are a handful of levels deep. */
const MAX_DEPTH = 32;

export function isZip(file: File): boolean {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip' || file.type === 'application/x-zip-compressed';
}

/** Call inside the drop handler: captures the entries before the DataTransfer is emptied. */
export function captureDrop(dataTransfer: DataTransfer): () => Promise<Dropped> {
  const entries: FileSystemEntry[] = [];
  const looseFiles: File[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry !== null) {
      entries.push(entry);
    } else {
      const file = item.getAsFile();
      if (file !== null) looseFiles.push(file);
    }
  }
  return async () => {
    const files: MediaFile[] = looseFiles.map((file) => ({ path: file.name, file }));
    for (const entry of entries) files.push(...(await walkEntry(entry, 0)));
    const [first] = files;
    if (files.length === 1 && first !== undefined && isZip(first.file)) return { kind: 'zip', file: first.file };
    return files.length === 0 ? { kind: 'empty' } : { kind: 'files', files };
  };
}

async function walkEntry(entry: FileSystemEntry, depth: number): Promise<MediaFile[]> {
  if (isFileEntry(entry)) {
    const file = await new Promise<File>((resolve, reject) => {
      entry.file(resolve, reject);
    });
    // fullPath is "/CDROOT/DICOM/IM000000": the same shape as webkitRelativePath once the slash goes.
    return [{ path: entry.fullPath.replace(/^\/+/, ''), file }];
  }
  if (!isDirectoryEntry(entry) || depth >= MAX_DEPTH) return [];
  const reader = entry.createReader();
  const files: MediaFile[] = [];
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => {
      reader.readEntries(resolve, reject);
    });
    if (batch.length === 0) break;
    for (const child of batch) files.push(...(await walkEntry(child, depth + 1)));
  }
  return files;
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

/** Files from an <input type=file webkitdirectory>: webkitRelativePath is "FOLDER/sub/file". */
export function filesFromInput(list: FileList): MediaFile[] {
  return Array.from(list, (file) => ({
    path: file.webkitRelativePath === '' ? file.name : file.webkitRelativePath,
    file,
  }));
}
