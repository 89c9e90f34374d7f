import type { Hl7Bridge } from '@outside/hl7-bridge';
import type { Kysely } from 'kysely';
import type { AuditLog } from './audit/audit-log.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { UserStore } from './auth/users.ts';
import type { ChangeFeedFollower } from './changes/change-feed.ts';
import type { CoercionWorker } from './coerce/coercion-worker.ts';
import type { Reconciler } from './reconcile/reconciler.ts';
import type { RouteWorkers } from './routing/route-worker.ts';
import type { Config } from './config/config-schema.ts';
import type { Database } from './db/schema.ts';
import type { Importer } from './import/importer.ts';
import type { Logger } from './logger.ts';
import type { OrthancClient } from './orthanc/orthanc-client.ts';

/** What route handlers may use; passed explicitly, never reached through globals. */
export interface SidecarServices {
  config: Config;
  log: Logger;
  db: Kysely<Database>;
  orthanc: OrthancClient;
  users: UserStore;
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  audit: AuditLog;
  changeFeed: ChangeFeedFollower;
  importer: Importer;
  /** Matching worker: HL7 order/patient events and studies flagged for matching. */
  reconciler: Reconciler;
  /** Rewrites reconciled studies in Orthanc. */
  coercion: CoercionWorker;
  /** Delivers queued studies to their destinations, one worker per destination. */
  routing: RouteWorkers;
  /** Set by `Sidecar.start()`; absent when the HL7 listener is turned off in the configuration. */
  hl7: Hl7Bridge | undefined;
}
