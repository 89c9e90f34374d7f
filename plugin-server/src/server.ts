import { recordExpiredShares } from './sharing/share-expiry.ts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoginThrottle } from './auth/login-throttle.ts';
import { SessionStore } from './auth/sessions.ts';
import { UserStore } from './auth/users.ts';
import { ChangeFeedFollower } from './changes/change-feed.ts';
import { CoercionWorker } from './coerce/coercion-worker.ts';
import { Reconciler } from './reconcile/reconciler.ts';
import { RouteWorkers } from './routing/route-worker.ts';
import { seedDefaultRules } from './routing/rules-store.ts';
import { DestinationStore, modalityName, syncModalities } from './routing/destinations-store.ts';
import type { Config } from './config/config-schema.ts';
import { optimizeDatabase } from './db/database.ts';
import { openImportServices, type ImportServices } from './import/import-services.ts';
import { listenImportSocket, type ImportControlSocket } from './import/import-control-socket.ts';
import { importSocketPath } from './config/config-sources.ts';
import { createLogger, type Logger } from './logger.ts';
import type { SidecarServices } from './services.ts';
import type { RouteDefinition } from './web/route-registry.ts';

export interface SidecarOptions {
  /** Run the change-feed follower (tests of the HTTP layer alone may turn it off). */
  followChanges?: boolean;
  /** Run the matching and coercion workers. */
  reconcile?: boolean;
  /** Run the delivery workers. */
  route?: boolean;
  logger?: Logger;
}

/**
 * The whole sidecar with an explicit lifecycle: `start()` opens and migrates the database, starts
 * the change feed and listens; `stop()` undoes all of it, so tests can run several in one process.
 */
export class Sidecar {
  readonly config: Config;
  private readonly options: SidecarOptions;
  private base: ImportServices | undefined;
  private importSocket: ImportControlSocket | undefined;
  private server: Server | undefined;
  private sessionSweeper: NodeJS.Timeout | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  services: SidecarServices | undefined;
  routes: RouteDefinition[] = [];
  url = '';

  constructor(config: Config, options: SidecarOptions = {}) {
    this.config = config;
    this.options = options;
  }

  /** Opens and migrates the database and builds the services, without serving anything. */
  async open(): Promise<SidecarServices> {
    if (this.services !== undefined) return this.services;
    const { config } = this;
    const log = this.options.logger ?? createLogger(config.log.level);
    const base = await openImportServices(config, log);
    this.base = base;
    const { db, orthanc, audit, importer } = base;
    const coercion = new CoercionWorker({
      db,
      orthanc,
      audit,
      log: log.child({ component: 'coercion' }),
      config: config.coercion,
    });
    const reconciler = new Reconciler({
      db,
      config,
      audit,
      log: log.child({ component: 'matching' }),
      pollIntervalMs: config.coercion.pollIntervalMs,
      onCoercionQueued: () => coercion.wake(),
    });
    const routing = new RouteWorkers({
      db,
      orthanc,
      audit,
      log: log.child({ component: 'routing' }),
      config: config.routing,
      modalityOf: modalityName,
    });
    await seedDefaultRules(db);
    this.services = {
      config,
      reconciler,
      routing,
      coercion,
      log,
      db,
      orthanc,
      importer,
      users: new UserStore(db),
      sessions: new SessionStore(db, {
        idleTimeoutMs: config.session.idleTimeoutMinutes * 60_000,
        absoluteTimeoutMs: config.session.absoluteTimeoutHours * 3_600_000,
      }),
      loginThrottle: new LoginThrottle(),
      audit,
      changeFeed: new ChangeFeedFollower(db, orthanc, config.changes, log),
      hl7: undefined,
    };
    return this.services;
  }

  async start(): Promise<void> {
    const services = await this.open();
    // Loaded here, not at the top: commands that only open the services (`outside import`) start
    // in a fraction of the time without the web layer and the HL7 parser.
    const [{ createApp }, { Hl7Bridge }] = await Promise.all([import('./web/app.ts'), import('@outside/hl7-bridge')]);
    if (this.config.hl7.enabled) {
      const { audit, log } = services;
      services.hl7 = new Hl7Bridge({
        db: services.db,
        config: this.config.hl7,
        logger: log.child({ component: 'hl7' }),
        onApplied: () => services.reconciler.wake(),
        onAlert: (alert) => {
          audit
            .record({
              type: 'securityAlert',
              outcome: 'seriousFailure',
              actor: { userId: null, username: 'system:hl7', sourceIp: null },
              object: { type: 'hl7', id: alert.type },
              details: { ...alert },
            })
            .catch((error: unknown) => log.error({ err: error, alert: alert.type }, 'could not audit an HL7 alert'));
        },
      });
    }
    const { app, routes } = createApp(services);
    this.routes = routes;
    await new Promise<void>((resolve, reject) => {
      const server = app.listen(this.config.http.port, this.config.http.host, (error?: Error) =>
        error ? reject(error) : resolve(),
      );
      this.server = server;
    });
    // A CD upload over a slow link takes longer than Node's default 5-minute request timeout.
    if (this.server !== undefined) this.server.requestTimeout = 60 * 60_000;
    const address = this.server?.address() as AddressInfo;
    this.url = `http://${this.config.http.host}:${address.port}`;
    if (this.options.followChanges !== false) services.changeFeed.start();
    if (this.options.reconcile !== false) {
      services.reconciler.start();
      services.coercion.start();
    }
    if (this.options.route !== false) {
      const destinations = new DestinationStore(services.db, {
        allowLoopbackDestinations: this.config.routing.allowLoopbackDestinations,
      });
      const sync = await syncModalities(services.orthanc, destinations);
      if (sync.failures.length > 0) services.log.warn({ failures: sync.failures }, 'Orthanc modality sync incomplete');
      services.routing.start();
    }
    const hl7Address = await services.hl7?.start();
    if (hl7Address !== undefined)
      services.log.info({ host: hl7Address.host, port: hl7Address.port }, 'HL7 MLLP listener started');
    this.sessionSweeper = setInterval(() => {
      services.sessions
        .purgeExpired()
        .catch((error: unknown) => services.log.error({ err: error }, 'session purge failed'));
      recordExpiredShares(services).catch((error: unknown) =>
        services.log.error({ err: error }, 'share link expiry sweep failed'),
      );
    }, 60_000);
    this.sessionSweeper.unref();
    this.maintenance = setInterval(() => {
      optimizeDatabase(services.db).catch((error: unknown) =>
        services.log.error({ err: error }, 'database optimize failed'),
      );
    }, 3_600_000);
    this.maintenance.unref();
    const socketPath = importSocketPath(this.config);
    if (socketPath !== undefined) {
      this.importSocket = await listenImportSocket(
        socketPath,
        { importer: services.importer, config: this.config.import },
        services.log.child({ component: 'import-socket' }),
      );
    }
    services.log.info({ url: this.url }, 'sidecar listening');
  }

  async stop(): Promise<void> {
    await this.importSocket?.close();
    this.importSocket = undefined;
    clearInterval(this.sessionSweeper);
    clearInterval(this.maintenance);
    await this.services?.changeFeed.stop();
    await this.services?.reconciler.stop();
    await this.services?.coercion.stop();
    await this.services?.routing.stop();
    await this.services?.hl7?.stop();
    const server = this.server;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.base?.close();
    this.server = undefined;
    this.base = undefined;
    this.services = undefined;
  }
}
