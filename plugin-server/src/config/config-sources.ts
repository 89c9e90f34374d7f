import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../domain/errors.ts';

// Where configuration values come from before they are validated: the JSON file and the OUTSIDE_*
// variables, and the two settings that say where the running sidecar takes imports. Free of zod
// on purpose: `outside import` reads those two settings here and hands the import to the sidecar
// before the validating schema, a tenth of a second of loading, is needed at all.

export const ENV_PREFIX = 'OUTSIDE_';
export const CONFIG_FILE_VARIABLE = 'OUTSIDE_CONFIG';

export type RawConfig = Record<string, Record<string, unknown>>;

/** The checkout's own data folder (.gitignored), whatever the working directory of the process. */
export const CHECKOUT_DATA_DIR = fileURLToPath(new URL('../../../.data/', import.meta.url));

/**
 * Defaults of the settings read here; the schema declares them with these same values. The
 * database lies in the checkout, not in the working directory, so that `outside import` run from
 * any folder finds the sidecar this checkout runs.
 */
export const DEFAULT_SQLITE_PATH = join(CHECKOUT_DATA_DIR, 'outside.sqlite');
export const DEFAULT_CONTROL_SOCKET = '';

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The environment variable of option `section.key`, e.g. OUTSIDE_IMPORT_CONTROL_SOCKET. */
export function envVariable(section: string, key: string): string {
  return `${ENV_PREFIX}${upperSnake(section)}_${upperSnake(key)}`;
}

/** The configuration file's contents (the `--config` file, else OUTSIDE_CONFIG); {} without one. */
export function readConfigFile(options: { file?: string; env: NodeJS.ProcessEnv }): RawConfig {
  const file = options.file ?? options.env[CONFIG_FILE_VARIABLE];
  if (file === undefined || file === '') return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RawConfig;
  } catch (error) {
    throw new DomainError('config_invalid', `cannot read configuration file ${file}: ${(error as Error).message}`);
  }
}

/** Where the running sidecar takes imports: by default `import.sock` beside the database. */
export function importSocketPath(config: {
  import: { controlSocket: string };
  database: { sqlitePath: string };
}): string | undefined {
  const configured = config.import.controlSocket;
  if (configured === 'off') return undefined;
  if (configured !== '') return resolve(configured);
  if (config.database.sqlitePath === ':memory:') return undefined;
  return join(dirname(resolve(config.database.sqlitePath)), 'import.sock');
}

/**
 * The import socket as the validated configuration would place it, read from the same sources
 * by the same rules. Undefined when a value is not a string: the full loader then says what is
 * wrong.
 */
export function locateImportSocket(options: { file?: string; env: NodeJS.ProcessEnv }): string | undefined {
  const fromFile = readConfigFile(options);
  const setting = (section: string, key: string, fallback: string): string | undefined => {
    const fromEnv = options.env[envVariable(section, key)];
    if (fromEnv !== undefined) return fromEnv;
    const value = fromFile[section]?.[key];
    if (value === undefined) return fallback;
    return typeof value === 'string' ? value : undefined;
  };
  const controlSocket = setting('import', 'controlSocket', DEFAULT_CONTROL_SOCKET);
  const sqlitePath = setting('database', 'sqlitePath', DEFAULT_SQLITE_PATH);
  if (controlSocket === undefined || sqlitePath === undefined) return undefined;
  return importSocketPath({ import: { controlSocket }, database: { sqlitePath } });
}
