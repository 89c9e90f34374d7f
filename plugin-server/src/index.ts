export { Sidecar, type SidecarOptions } from './server.ts';
export { loadConfig, configOptions } from './config/config-loader.ts';
export type { Config, ConfigInput } from './config/config-schema.ts';
export { OrthancClient } from './orthanc/orthanc-client.ts';
export { DomainError } from './domain/errors.ts';
export { createLogger, type Logger } from './logger.ts';
