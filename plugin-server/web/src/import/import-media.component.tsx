// The "Import media" page, one step after the other: choose the medium, see what is on it, say
// whose it is and for which department, upload with a progress bar, read the report.

import { useEffect, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatBytes, plural } from '../format/format.ts';
import { navigate, ROUTES } from '../routing/router.ts';
import { scanPickedMedia, sourceLabelOf, type PickedMedia } from '../media/scan-picked-media.ts';
import { ImportDetailsForm } from './import-details-form.component.tsx';
import { EMPTY_DETAILS, importRequestOf, type ImportDetails } from './import-request.ts';
import { ImportReport } from './import-report.component.tsx';
import type { MediaFile } from './imports.resource.ts';
import { MediaPicker } from './media-picker.component.tsx';
import { MediaSummaryView } from './media-summary.component.tsx';
import { runImport, type ImportPhase, type ImportResult, type ImportSource } from './run-import.ts';
import { UploadProgressView } from './upload-progress.component.tsx';
import type { ProgressSnapshot } from './upload-progress.ts';

type Media = { kind: 'files'; picked: PickedMedia } | { kind: 'zip'; file: File };

type Step =
  | { kind: 'pick'; error?: string }
  | { kind: 'scanning'; label: string; done: number; total: number }
  | { kind: 'review'; media: Media; problem?: string }
  | { kind: 'uploading'; media: Media; phase: ImportPhase; progress?: ProgressSnapshot; cancelling: boolean }
  | { kind: 'done'; media: Media; result: ImportResult };

export function ImportMediaPage({ api }: { api: ApiClient }) {
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const [details, setDetails] = useState<ImportDetails>(EMPTY_DETAILS);
  const work = useRef<AbortController | undefined>(undefined);
  const container = useRef<HTMLDivElement>(null);
  const shownStep = useRef(step.kind);

  // Each step replaces the one before, with the button that was just used: keyboard and screen
  // reader users continue at the new step's heading instead of the top of the page.
  useEffect(() => {
    if (shownStep.current === step.kind) return;
    shownStep.current = step.kind;
    const heading = container.current?.querySelector<HTMLElement>('[data-step-heading]');
    if (heading === null || heading === undefined) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [step.kind]);

  // Leaving the page would abandon the scan or the upload: stop it, and warn before a reload.
  useEffect(() => () => work.current?.abort(), []);
  useEffect(() => {
    if (step.kind !== 'uploading') return undefined;
    const warn = (event: BeforeUnloadEvent): void => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [step.kind]);

  const startOver = (): void => {
    work.current?.abort();
    setStep({ kind: 'pick' });
    setDetails(EMPTY_DETAILS);
  };

  const onFiles = (files: MediaFile[]): void => {
    const label = sourceLabelOf(files);
    const controller = new AbortController();
    work.current?.abort();
    work.current = controller;
    setDetails((current) => ({ ...current, sourceLabel: label }));
    setStep({ kind: 'scanning', label, done: 0, total: files.length });
    scanPickedMedia(
      label,
      files,
      (done, total) => {
        if (!controller.signal.aborted) setStep({ kind: 'scanning', label, done, total });
      },
      controller.signal,
    ).then(
      (picked) => {
        if (!controller.signal.aborted) setStep({ kind: 'review', media: { kind: 'files', picked } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setStep({ kind: 'pick', error: `Reading the files failed: ${describeError(error)}` });
      },
    );
  };

  const onZip = (file: File): void => {
    work.current?.abort();
    setDetails((current) => ({ ...current, sourceLabel: file.name.replace(/\.zip$/i, '') }));
    setStep({ kind: 'review', media: { kind: 'zip', file } });
  };

  const upload = (media: Media): void => {
    const checked = importRequestOf(details);
    if (!checked.ok) {
      setStep({ kind: 'review', media, problem: checked.problem });
      return;
    }
    if (media.kind === 'files' && media.picked.toUpload.length === 0) {
      setStep({ kind: 'review', media, problem: 'There is nothing to upload: no DICOM files were found.' });
      return;
    }
    const controller = new AbortController();
    work.current = controller;
    const source: ImportSource =
      media.kind === 'zip' ? { kind: 'zip', file: media.file } : { kind: 'files', files: media.picked.toUpload };
    let latest: Step = { kind: 'uploading', media, phase: 'creating', cancelling: false };
    const show = (next: Step): void => {
      latest = next;
      setStep(next);
    };
    show(latest);
    runImport(
      api,
      checked.request,
      source,
      {
        onPhase(phase) {
          if (latest.kind === 'uploading') show({ ...latest, phase });
        },
        onProgress(progress) {
          if (latest.kind === 'uploading') show({ ...latest, progress });
        },
      },
      controller.signal,
    ).then(
      (result) => {
        show({ kind: 'done', media, result });
      },
      (error: unknown) => {
        // Opening the import failed: nothing was sent, the form is still filled in.
        show({ kind: 'review', media, problem: `The import could not be started: ${describeError(error)}` });
      },
    );
  };

  const cancel = (): void => {
    if (step.kind !== 'uploading') return;
    setStep({ ...step, cancelling: true });
    work.current?.abort();
  };

  return (
    <div className="stack" ref={container}>
      <header className="page-header">
        <h1>Import media</h1>
      </header>
      {step.kind === 'pick' && <MediaPicker onFiles={onFiles} onZip={onZip} error={step.error} />}
      {step.kind === 'scanning' && (
        <section className="card" aria-labelledby="scan-heading">
          <h2 id="scan-heading" className="card__title" data-step-heading>
            Reading <span className="text-break">{step.label}</span>
          </h2>
          <p role="status">
            Reading file headers: {step.done.toLocaleString('en-US')} of {step.total.toLocaleString('en-US')}
          </p>
          <progress
            className="progress__bar"
            max={Math.max(step.total, 1)}
            value={step.done}
            aria-label="Reading files"
          />
          <div className="button-row">
            <button type="button" className="button" onClick={startOver}>
              Cancel
            </button>
          </div>
        </section>
      )}
      {step.kind === 'review' && (
        <>
          <MediumRecap media={step.media} onChange={startOver} />
          {step.media.kind === 'files' ? (
            <MediaSummaryView media={step.media.picked} />
          ) : (
            <ZipSummary file={step.media.file} />
          )}
          <ImportDetailsForm
            details={details}
            onChange={setDetails}
            problem={step.problem}
            onSubmit={() => upload(step.media)}
            submitLabel={uploadLabel(step.media)}
          />
        </>
      )}
      {step.kind === 'uploading' && (
        <UploadProgressView
          phase={step.phase}
          progress={step.progress}
          onCancel={cancel}
          cancelling={step.cancelling}
        />
      )}
      {step.kind === 'done' && (
        <>
          <ImportReport
            session={step.result.session}
            outcomes={step.result.outcomes}
            skipped={step.media.kind === 'files' ? step.media.picked.skipped : []}
            error={step.result.error}
          />
          <div className="button-row">
            <button type="button" className="button button--primary" onClick={() => navigate(ROUTES.inbox)}>
              Go to the inbox
            </button>
            <button type="button" className="button" onClick={startOver}>
              Import another medium
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function uploadLabel(media: Media): string {
  if (media.kind === 'zip') return `Upload zip (${formatBytes(media.file.size)})`;
  const bytes = media.picked.toUpload.reduce((total, { file }) => total + file.size, 0);
  return `Upload ${plural(media.picked.toUpload.length, 'file')} (${formatBytes(bytes)})`;
}

function MediumRecap({ media, onChange }: { media: Media; onChange: () => void }) {
  const name = media.kind === 'zip' ? media.file.name : media.picked.label;
  const detail =
    media.kind === 'zip'
      ? `zip file, ${formatBytes(media.file.size)}`
      : `${plural(media.picked.files.length, 'file')}, ${formatBytes(media.picked.summary.counts.bytes)}`;
  return (
    <section className="card card--recap" aria-labelledby="medium-heading">
      <h2 id="medium-heading" className="card__title card__title--inline">
        1. Medium
      </h2>
      <p className="recap__text">
        <span className="text-break recap__name">{name}</span> <span className="muted">({detail})</span>
      </p>
      <button type="button" className="button" onClick={onChange}>
        Choose other media
      </button>
    </section>
  );
}

function ZipSummary({ file }: { file: File }) {
  return (
    <section className="card" aria-labelledby="zip-heading" data-testid="zip-summary">
      <h2 id="zip-heading" className="card__title" data-step-heading>
        2. What is in <span className="text-break">{file.name}</span>
      </h2>
      <p className="notice notice--info">
        The contents of a zip file are not listed before upload. The server unpacks and checks it, and the report after
        upload lists every patient, study and file it found.
      </p>
    </section>
  );
}
