// The "Inbox" page: recent imports, newest first, each with the studies it brought and their
// thumbnails; filtered by patient, description or study state. Outside data is shown as text.
// Physicians and radiology archive a matched study from here and follow its archive status, and
// share a study with a colleague who has no account (a link shown once, ../sharing/).

import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, formatDicomDate, formatPersonName, plural } from '../format/format.ts';
import { listImports, type ImportSession } from '../import/imports.resource.ts';
import { buildInbox, type InboxEntry, type InboxFilter } from './inbox-filter.ts';
import { listStudies, STUDY_STATES, type Study, type StudyState } from './studies.resource.ts';
import { StudyThumbnail } from './study-thumbnail.component.tsx';
import { WarningList } from '../layout/warning-list.component.tsx';
import { StudyArchive } from '../archive/study-archive.component.tsx';
import { viewerUrl } from '../format/viewer-link.ts';
import { StudyShare } from '../sharing/study-share.component.tsx';

/** Studies that may be shared: not discarded or purged (the sidecar refuses those too). */
const SHAREABLE: readonly StudyState[] = STUDY_STATES.filter((state) => state !== 'discarded' && state !== 'purged');

type Loaded = {
  imports: ImportSession[];
  studies: Study[];
  /** The study list is extra detail (state); the inbox still works without it. */
  studiesError: string | undefined;
  loadedAt: Date;
};

type LoadState =
  { status: 'loading'; previous?: Loaded } | { status: 'loaded'; data: Loaded } | { status: 'error'; message: string };

/**
 * `canArchive`: the user may tag studies for archive and read their archive status (physician or
 * radiology, STUDY_VIEWERS in src/domain/roles.ts).
 */
export function InboxPage({ api, canArchive }: { api: ApiClient; canArchive: boolean }) {
  const id = useId();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [filter, setFilter] = useState<InboxFilter>({ text: '', state: '' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoad((current) => ({ status: 'loading', ...(current.status === 'loaded' ? { previous: current.data } : {}) }));
    Promise.all([
      listImports(api, 50, controller.signal),
      listStudies(api, { limit: 100, signal: controller.signal }).then(
        (studies) => ({ studies, error: undefined }),
        (error: unknown) => ({ studies: [], error: describeError(error) }),
      ),
    ]).then(
      ([imports, studyList]) => {
        if (controller.signal.aborted) return;
        setLoad({
          status: 'loaded',
          data: { imports, studies: studyList.studies, studiesError: studyList.error, loadedAt: new Date() },
        });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [api, generation]);

  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  const data = load.status === 'loaded' ? load.data : load.status === 'loading' ? load.previous : undefined;
  const entries = useMemo(
    () => (data === undefined ? [] : buildInbox(data.imports, data.studies, filter)),
    [data, filter],
  );

  return (
    <div className="stack">
      <header className="page-header">
        <h1>Inbox</h1>
        <button type="button" className="button" onClick={refresh} disabled={load.status === 'loading'}>
          {load.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <form className="filter-bar" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor={`${id}-text`}>Filter</label>
          <input
            id={`${id}-text`}
            type="search"
            placeholder="Patient name or ID, MRN, description, source"
            value={filter.text}
            onChange={(event) => setFilter({ ...filter, text: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-state`}>Study state</label>
          <select
            id={`${id}-state`}
            value={filter.state}
            onChange={(event) => setFilter({ ...filter, state: studyStateOf(event.target.value) })}
          >
            <option value="">Any state</option>
            {STUDY_STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </div>
      </form>
      {load.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The inbox cannot be loaded: {load.message}
        </p>
      )}
      {data?.studiesError !== undefined && (
        <p className="notice notice--warning">Study states are not available: {data.studiesError}</p>
      )}
      {data === undefined && load.status === 'loading' && <p className="muted">Loading…</p>}
      {data !== undefined && (
        <p className="muted" role="status">
          {filter.text === '' && filter.state === ''
            ? `${plural(entries.length, 'import')}, newest first.`
            : `${plural(entries.length, 'import')} with matching studies.`}{' '}
          Updated {formatDateTime(data.loadedAt.toISOString())}.
        </p>
      )}
      <ol className="inbox" aria-label="Imports">
        {entries.map((entry) => (
          <ImportCard
            key={entry.session.id}
            entry={entry}
            archive={canArchive ? { api, onArchived: refresh } : undefined}
          />
        ))}
      </ol>
    </div>
  );
}

function ImportCard({
  entry,
  archive,
}: {
  entry: InboxEntry;
  /** For users who may archive; undefined hides the archive action and status. */
  archive: { api: ApiClient; onArchived: () => void } | undefined;
}) {
  const { session, studies } = entry;
  const problems = session.counts.corrupt + session.counts.rejected;
  return (
    <li className="card inbox__import" data-testid="inbox-import">
      <div className="inbox__import-header">
        <h2 className="inbox__source">{session.sourceLabel}</h2>
        <span className={`badge badge--state badge--${session.state}`}>{session.state}</span>
      </div>
      <p className="inbox__meta">
        {formatDateTime(session.createdAt)} by {session.createdBy.username} · {session.department} ·{' '}
        {session.patient.mrn === null ? (
          <span className="muted">no local MRN yet</span>
        ) : (
          <>MRN {session.patient.mrn}</>
        )}{' '}
        · {plural(session.counts.stored + session.counts.alreadyStored, 'image')}
        {problems > 0 && <span className="text-problem"> · {plural(problems, 'file')} with problems</span>}
      </p>
      <WarningList warnings={session.warnings} />
      {studies.length === 0 ? (
        <p className="muted">No studies.</p>
      ) : (
        <ul className="inbox__studies">
          {studies.map(({ study, tracked }) => (
            <li key={study.StudyInstanceUID} className="inbox__study" data-testid="inbox-study">
              <StudyThumbnail studyId={study.studyId ?? tracked?.id ?? null} modalities={study.modalities} />
              <div className="inbox__study-text">
                <p className="inbox__patient">
                  <span className="inbox__patient-name">{formatPersonName(study.patientName)}</span>{' '}
                  <span className="muted">
                    ID {study.patientId === '' ? '–' : study.patientId} · born {formatDicomDate(study.patientBirthDate)}
                  </span>
                </p>
                <p>
                  {formatDicomDate(study.studyDate)} ·{' '}
                  {study.studyDescription === '' ? 'no description' : study.studyDescription}
                </p>
                <p className="muted">
                  {study.modalities.join(', ') || 'no modality'} · {plural(study.seriesCount, 'series', 'series')} ·{' '}
                  {plural(study.instanceCount, 'image')}
                  {tracked !== undefined && tracked.institutionName !== '' && <> · {tracked.institutionName}</>}
                </p>
                {archive !== undefined && (
                  <p>
                    <a
                      href={viewerUrl(study.StudyInstanceUID)}
                      target="_blank"
                      rel="noopener"
                      data-testid="open-in-viewer"
                    >
                      Open in viewer
                    </a>
                  </p>
                )}
                {archive !== undefined && tracked !== undefined && (
                  <StudyArchive
                    api={archive.api}
                    studyId={tracked.id}
                    studyState={tracked.state}
                    label={`${formatPersonName(study.patientName)}, ${formatDicomDate(study.studyDate)}`}
                    onArchived={archive.onArchived}
                  />
                )}
                {archive !== undefined && tracked !== undefined && SHAREABLE.includes(tracked.state) && (
                  <StudyShare
                    api={archive.api}
                    studyId={tracked.id}
                    label={`${formatPersonName(study.patientName)}, ${formatDicomDate(study.studyDate)}`}
                  />
                )}
              </div>
              {tracked !== undefined && (
                <span className={`badge badge--state badge--${tracked.state}`}>{tracked.state}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function studyStateOf(value: string): StudyState | '' {
  return STUDY_STATES.find((state) => state === value) ?? '';
}
