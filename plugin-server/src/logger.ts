import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Logs carry ids, never names or birth dates. Credentials and cookies are redacted in case an
 * object carrying them is ever logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'outside' },
      redact: {
        paths: [
          'password',
          '*.password',
          'headers.authorization',
          'headers.cookie',
          '*.headers.authorization',
          '*.headers.cookie',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
