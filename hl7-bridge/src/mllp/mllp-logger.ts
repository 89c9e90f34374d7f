// The transport logs through this narrow interface so it does not depend on pino; a pino Logger
// fits it as is. Log objects carry ids, counts and error codes only, never payload bytes: the
// payload is patient data.

export interface MllpLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: MllpLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What of an unknown error may be logged: its class name and code, not its message. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = 'code' in error ? error.code : undefined;
    return { errorName: error.name, errorCode: typeof code === 'string' ? code : undefined };
  }
  return { errorName: typeof error };
}
