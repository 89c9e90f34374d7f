// Where the front desk hands over the medium: a folder (the CD's drive or a copied folder), a zip,
// or either one dropped onto the page.

import { useRef, useState, type DragEvent } from 'react';
import { captureDrop, filesFromInput, isZip } from '../media/dropped-media.ts';
import type { MediaFile } from './imports.resource.ts';

export function MediaPicker({
  onFiles,
  onZip,
  error,
}: {
  onFiles: (files: MediaFile[]) => void;
  onZip: (file: File) => void;
  error: string | undefined;
}) {
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [dropError, setDropError] = useState<string | undefined>();

  const onDragOver = (event: DragEvent<HTMLDivElement>): void => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    setDropError(undefined);
    const read = captureDrop(event.dataTransfer);
    read().then(
      (dropped) => {
        if (dropped.kind === 'zip') onZip(dropped.file);
        else if (dropped.kind === 'files') onFiles(dropped.files);
        else setDropError('Nothing to import was dropped. Drop a folder or a .zip file.');
      },
      (caught: unknown) => {
        setDropError(`The dropped folder cannot be read: ${String(caught)}`);
      },
    );
  };

  const shownError = dropError ?? error;
  return (
    <section className="card" aria-labelledby="pick-heading">
      <h2 id="pick-heading" className="card__title" data-step-heading>
        1. Choose the medium
      </h2>
      <p className="muted">
        Insert the patient&rsquo;s CD, DVD or USB stick and choose its drive or folder, or choose a zip file that was
        sent or downloaded. Nothing is uploaded until you confirm.
      </p>
      {shownError !== undefined && (
        <p className="notice notice--error" role="alert">
          {shownError}
        </p>
      )}
      <div
        className={dragging ? 'drop-zone drop-zone--active' : 'drop-zone'}
        onDragOver={onDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <p className="drop-zone__text">Drop a folder or a .zip file here</p>
        <p className="drop-zone__or">or</p>
        <div className="button-row button-row--center">
          <button type="button" className="button button--primary" onClick={() => folderInput.current?.click()}>
            Choose folder…
          </button>
          <button type="button" className="button" onClick={() => zipInput.current?.click()}>
            Choose zip file…
          </button>
        </div>
        <input
          ref={folderInput}
          className="visually-hidden"
          type="file"
          webkitdirectory=""
          multiple
          tabIndex={-1}
          aria-label="Folder of the medium"
          data-testid="folder-input"
          onChange={(event) => {
            const list = event.currentTarget.files;
            if (list !== null && list.length > 0) onFiles(filesFromInput(list));
            event.currentTarget.value = '';
          }}
        />
        <input
          ref={zipInput}
          className="visually-hidden"
          type="file"
          accept=".zip,application/zip"
          tabIndex={-1}
          aria-label="Zip file"
          data-testid="zip-input"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file !== undefined) {
              if (isZip(file)) onZip(file);
              else setDropError(`${file.name} is not a zip file.`);
            }
            event.currentTarget.value = '';
          }}
        />
      </div>
    </section>
  );
}
