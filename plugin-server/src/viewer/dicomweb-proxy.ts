// The OHIF viewer's DICOMweb server: `/viewer/dicom-web/...` on the sidecar's origin, answered by
// the staging Orthanc's DICOMweb plugin at `/dicom-web/...` (DESIGN.md sections 1 and 9: Orthanc
// is never reached by a browser). Per request, in this order:
//   1. GET and HEAD only (405): the viewer is read-only, there is no STOW.
//   2. Who is asking (401 without a valid credential), and may they view images at all (403 and a
//      security alert: the front desk may not).
//   3. The path must be one of the DICOMweb resources we serve (404 otherwise).
//   4. Inside a study (`/studies/{uid}/...`): the study must be visible to the principal, else 403
//      and a security alert; the same 403 whether or not Orthanc has the study, so UIDs cannot be
//      probed. The first request for a study in 10 minutes is audited as "study opened". The answer
//      streams through.
//   5. Across studies (`/studies`, `/series`, `/instances`): the answer is read whole, results of
//      studies the principal may not see are dropped, and the query is audited (which keys were
//      used, never their values). In the study list, Study Description is prefixed with the
//      sidecar's state, `[matched] CT HEAD`: OHIF's list has no column of its own for it.
// Orthanc's credentials are added here; the browser's cookies and Authorization never go to Orthanc.

import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import type { SidecarServices } from '../services.ts';
import { parseDicomwebPath, type DicomwebTarget } from './dicomweb-path.ts';
import { forwardedQuery, queryKeyNames, rawQueryOf } from './dicomweb-query.ts';
import { DicomwebUpstream, ORTHANC_DICOMWEB_ROOT } from './dicomweb-upstream.ts';
import { orthancUrlRewrite, type UrlRewrite } from './orthanc-url-rewrite.ts';
import { filterQidoAnswer, studyUidsOf, withStateInDescription } from './qido-filter.ts';
import { readQidoAnswer } from './qido-search.ts';
import { StudyAccess } from './study-access.ts';
import { OncePerWindow } from './once-per-window.ts';
import {
  auditActorOf,
  mayViewImages,
  principalKey,
  resolveViewerPrincipal,
  viewerPrincipalResolvers,
  type ViewerPrincipal,
  type ViewerPrincipalResolver,
} from './viewer-principal.ts';
import { PROXIED_CACHE_CONTROL, streamAnswer } from './wado-stream.ts';

/** Where the proxy is mounted; OHIF's data source `wadoRoot`/`qidoRoot` point here. */
export const VIEWER_DICOMWEB_PATH = '/viewer/dicom-web';

const STUDY_OPENED_WINDOW_MS = 10 * 60_000;
const STUDY_OPENED_MAX_ENTRIES = 10_000;
/** A refused viewer keeps asking (each image, each retry): one alert per principal and cause a minute. */
const ALERT_WINDOW_MS = 60_000;

export interface DicomwebProxyOptions {
  /** Defaults to `viewerPrincipalResolvers`: the sidecar session (and, later, share sessions). */
  resolvers?: readonly ViewerPrincipalResolver[];
}

export interface DicomwebProxy {
  /** Closes the idle keep-alive sockets to Orthanc. */
  close(): void;
}

interface ProxyDeps {
  audit: AuditLog;
  log: Logger;
  access: StudyAccess;
  upstream: DicomwebUpstream;
  rewrite: UrlRewrite;
  resolvers: readonly ViewerPrincipalResolver[];
  opened: OncePerWindow;
  alerted: OncePerWindow;
}

export function mountDicomwebProxy(
  app: Express,
  services: SidecarServices,
  options: DicomwebProxyOptions = {},
): DicomwebProxy {
  const { config } = services;
  const upstream = new DicomwebUpstream({
    orthancUrl: config.orthanc.url,
    authorization: services.orthanc.authorization,
    headersTimeoutMs: config.orthanc.requestTimeoutMs,
  });
  const deps: ProxyDeps = {
    audit: services.audit,
    log: services.log.child({ component: 'dicomweb-proxy' }),
    access: new StudyAccess(services.db),
    upstream,
    rewrite: orthancUrlRewrite(config.orthanc.url, `${ORTHANC_DICOMWEB_ROOT}/`, `${VIEWER_DICOMWEB_PATH}/`),
    resolvers: options.resolvers ?? viewerPrincipalResolvers(services),
    opened: new OncePerWindow({ windowMs: STUDY_OPENED_WINDOW_MS, maxEntries: STUDY_OPENED_MAX_ENTRIES }),
    alerted: new OncePerWindow({ windowMs: ALERT_WINDOW_MS, maxEntries: STUDY_OPENED_MAX_ENTRIES }),
  };
  const router = express.Router();
  router.use((request: Request, response: Response, next: NextFunction) => {
    handle(deps, request, response).catch(next);
  });
  app.use(VIEWER_DICOMWEB_PATH, router);
  return { close: () => upstream.close() };
}

/** The sidecar's error body for the two statuses DomainError has no code for. */
function refuse(response: Response, status: 405 | 406, message: string): void {
  const code = status === 405 ? 'method_not_allowed' : 'not_acceptable';
  if (status === 405) response.setHeader('allow', 'GET, HEAD');
  response.status(status).json({ error: { code, message } });
}

async function handle(deps: ProxyDeps, request: Request, response: Response): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    refuse(response, 405, 'the viewer is read-only: only GET and HEAD are served');
    return;
  }
  const principal = await resolveViewerPrincipal(request, deps.resolvers);
  if (principal === undefined) throw new DomainError('unauthenticated', 'log in first (no valid session)');
  if (principal.kind === 'user') response.locals.userId = principal.session.user.id;
  const actor = auditActorOf(principal, request.ip ?? null);
  if (!mayViewImages(principal)) {
    const reason = principal.kind === 'share' ? 'share expired' : 'role not allowed';
    await deps.alerted.once(`${principalKey(principal)}|${reason}`, () =>
      deps.audit.record({
        type: 'securityAlert',
        outcome: 'minorFailure',
        actor,
        details: { reason, method: request.method.toLowerCase(), route: VIEWER_DICOMWEB_PATH },
      }),
    );
    throw new DomainError(
      'forbidden',
      principal.kind === 'share'
        ? 'this share link has expired'
        : 'viewing images needs the physician or radiology role',
    );
  }
  const [pathname = ''] = request.url.split('?');
  const target = parseDicomwebPath(pathname);
  if (target === undefined) throw new DomainError('not_found', 'no such DICOMweb resource');
  // OHIF asks for DICOM JSON; XML metadata would carry Orthanc's URLs inside length-prefixed parts.
  if (/dicom\+xml/i.test(request.get('accept') ?? '')) {
    refuse(response, 406, 'metadata is served as application/dicom+json only');
    return;
  }
  const query = forwardedQuery(rawQueryOf(request.url));
  const pathAndQuery = query === '' ? target.path : `${target.path}?${query}`;
  if (target.kind === 'study') {
    await withinStudy(deps, request, response, principal, target, pathAndQuery);
  } else {
    await acrossStudies(deps, request, response, principal, target, pathAndQuery);
  }
}

async function withinStudy(
  deps: ProxyDeps,
  request: Request,
  response: Response,
  principal: ViewerPrincipal,
  target: Extract<DicomwebTarget, { kind: 'study' }>,
  pathAndQuery: string,
): Promise<void> {
  const actor = auditActorOf(principal, request.ip ?? null);
  const study = await deps.access.one(principal, target.studyInstanceUid);
  if (study === undefined) {
    await deps.alerted.once(`${principalKey(principal)}|not visible|${target.studyInstanceUid}`, () =>
      deps.audit.record({
        type: 'securityAlert',
        outcome: 'minorFailure',
        actor,
        details: { reason: 'study not visible', via: 'viewer', studyInstanceUid: target.studyInstanceUid },
      }),
    );
    throw new DomainError('forbidden', 'this study is not available to you');
  }
  await deps.opened.once(`${principalKey(principal)}|${study.id}`, async () => {
    await deps.audit.record({
      type: 'instancesAccessed',
      actor,
      object: { type: 'study', id: study.id },
      details: { via: 'viewer' },
    });
  });
  await streamAnswer(
    { request, response, upstream: deps.upstream, rewrite: deps.rewrite, log: deps.log },
    pathAndQuery,
    target.studyInstanceUid,
  );
}

async function acrossStudies(
  deps: ProxyDeps,
  request: Request,
  response: Response,
  principal: ViewerPrincipal,
  target: Extract<DicomwebTarget, { kind: 'search' }>,
  pathAndQuery: string,
): Promise<void> {
  // Read whole, so a browser that goes away just leaves the answer to be dropped.
  const answer = await deps.upstream.get(pathAndQuery, request.get('accept'), new AbortController().signal);
  const results = await readQidoAnswer(answer, deps.rewrite);
  const visible = await deps.access.visible(principal, studyUidsOf(results));
  // The state is workflow information for the hospital's own users, not for a share's recipient.
  const showState = target.level === 'studies' && principal.kind === 'user';
  const shown = filterQidoAnswer(results, visible, (result, study) =>
    showState ? withStateInDescription(result, study.state) : result,
  );
  const shownStudyIds = [...new Set(studyUidsOf(shown))].flatMap((uid) => {
    const study = visible.get(uid);
    return study === undefined ? [] : [study.id];
  });
  await deps.audit.record({
    type: 'query',
    actor: auditActorOf(principal, request.ip ?? null),
    object: { type: 'study-list', id: 'viewer' },
    details: {
      via: 'viewer',
      level: target.level,
      returned: shown.length,
      studyIds: shownStudyIds,
      keys: queryKeyNames(rawQueryOf(request.url)),
    },
  });
  response.status(200);
  response.setHeader('content-type', 'application/dicom+json');
  response.setHeader('cache-control', PROXIED_CACHE_CONTROL);
  response.end(JSON.stringify(shown));
}
