import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { configSchema, type Config } from './config-schema.ts';
import { CONFIG_FILE_VARIABLE, ENV_PREFIX, envVariable, readConfigFile, type RawConfig } from './config-sources.ts';

export interface ConfigOption {
  path: string;
  env: string;
  description: string;
  defaultValue: unknown;
  kind: 'string' | 'number' | 'boolean';
  /** Optional options (e.g. TLS file paths) have no default: absent means "not used". */
  optional: boolean;
}

/** Unwraps default/optional/prefault wrappers to the schema that validates the value itself. */
function innerType(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodNullable
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Lists every leaf option of the configuration, with its environment variable. */
export function configOptions(): ConfigOption[] {
  const options: ConfigOption[] = [];
  const defaults = configSchema.parse({}) as Record<string, Record<string, unknown>>;
  for (const [section, sectionSchema] of Object.entries(configSchema.shape)) {
    const object = innerType(sectionSchema);
    if (!(object instanceof z.ZodObject)) continue;
    for (const [key, leaf] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const inner = innerType(leaf);
      const kind = inner instanceof z.ZodNumber ? 'number' : inner instanceof z.ZodBoolean ? 'boolean' : 'string';
      options.push({
        path: `${section}.${key}`,
        env: envVariable(section, key),
        description: leaf.description ?? '',
        defaultValue: defaults[section]?.[key],
        kind,
        optional: leaf instanceof z.ZodOptional,
      });
    }
  }
  return options;
}

function coerce(option: ConfigOption, raw: string): unknown {
  if (option.kind === 'number') {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) {
      throw new DomainError('config_invalid', `${option.env} must be a number, got "${raw}"`);
    }
    return value;
  }
  if (option.kind === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new DomainError('config_invalid', `${option.env} must be true or false, got "${raw}"`);
  }
  return raw;
}

/**
 * Loads the configuration: the JSON file (if any), then environment variables on top, then
 * validation. Unknown keys and unknown OUTSIDE_* variables are errors: a typo must not silently
 * fall back to a default in a hospital deployment.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: unknown } = {}): Config {
  const env = options.env ?? process.env;
  const fromFile = readConfigFile({ ...(options.file === undefined ? {} : { file: options.file }), env });
  const merged: RawConfig = structuredClone(fromFile);
  const known = new Map(configOptions().map((option) => [option.env, option]));
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_VARIABLE || raw === undefined) continue;
    const option = known.get(name);
    if (option === undefined) throw new DomainError('config_invalid', `unknown configuration variable ${name}`);
    const [section, key] = option.path.split('.') as [string, string];
    merged[section] = { ...merged[section], [key]: coerce(option, raw) };
  }
  const overrides = (options.overrides ?? {}) as RawConfig;
  for (const [section, values] of Object.entries(overrides)) merged[section] = { ...merged[section], ...values };

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new DomainError('config_invalid', `invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
