// Public surface of the MLLP transport (HL7 MLLP Release 2 framing over TCP or TLS).
export { MllpClient, MLLP_CLIENT_DEFAULTS, type MllpClientOptions, type MllpClientTlsOptions } from './mllp-client.ts';
export { MllpError, MLLP_ERROR_CODES, isMllpError, type MllpErrorCode } from './mllp-errors.ts';
export { MllpFrameDecoder, encodeFrame, type DecodeResult } from './mllp-frame-decoder.ts';
export { silentLogger, type MllpLogger } from './mllp-logger.ts';
export { MllpServer, MLLP_SERVER_DEFAULTS, type MllpServerOptions, type MllpServerTlsOptions } from './mllp-server.ts';
export type { ConnectionInfo, MllpConnectionStats, MllpHandler } from './mllp-server-connection.ts';
