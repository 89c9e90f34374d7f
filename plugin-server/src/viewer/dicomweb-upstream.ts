// The proxy's connection to Orthanc's DICOMweb plugin: plain `node:http` so that the answer is a
// Node stream the proxy can pipe to the browser with backpressure, on keep-alive sockets.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DomainError } from '../domain/errors.ts';
import { failedOnStaleSocket, STALE_SOCKET_ATTEMPTS } from '../orthanc/stale-socket.ts';

export interface DicomwebUpstreamOptions {
  /** Orthanc's REST URL (`services.config.orthanc.url`). */
  orthancUrl: string;
  /** Basic authorization of the sidecar's Orthanc user; added here, never taken from the browser. */
  authorization: string;
  /** From sending the request to receiving the status line and headers (covers connecting). */
  headersTimeoutMs: number;
}

/** The plugin's root in our staging configuration (`DicomWeb.Root` in orthanc-config). */
export const ORTHANC_DICOMWEB_ROOT = '/dicom-web';

export class DicomwebUpstream {
  private readonly base: URL;
  private readonly authorization: string;
  private readonly headersTimeoutMs: number;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(options: DicomwebUpstreamOptions) {
    this.base = new URL(options.orthancUrl);
    this.authorization = options.authorization;
    this.headersTimeoutMs = options.headersTimeoutMs;
    const https = this.base.protocol === 'https:';
    // Orthanc answers `Keep-Alive: timeout=1`; with Node's default 1 s buffer the agent would drop
    // every socket at once (see orthanc/upload-instance-file.ts). Idle sockets do not keep the
    // process alive.
    const agentOptions = { keepAlive: true, maxSockets: 32, agentKeepAliveTimeoutBuffer: 100 };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.request = https ? httpsRequest : httpRequest;
  }

  /**
   * GETs `pathAndQuery` below the plugin's root. Resolves with Orthanc's answer, whatever its
   * status, once its headers arrived; the body is left to the caller to stream. There is no
   * timeout on the body (a multipart series can take minutes to a slow client); aborting `signal`
   * (the browser went away) tears the request down at any point.
   */
  get(pathAndQuery: string, accept: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    return this.attempt(new URL(`${ORTHANC_DICOMWEB_ROOT}${pathAndQuery}`, this.base), accept, signal, 1);
  }

  private attempt(
    url: URL,
    accept: string | undefined,
    signal: AbortSignal,
    attempt: number,
  ): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      let answered = false;
      const outgoing = this.request(
        url,
        {
          method: 'GET',
          agent: this.agent,
          signal,
          headers: {
            authorization: this.authorization,
            // Bodies pass through unchanged: no compression to undo, Content-Length stays true.
            'accept-encoding': 'identity',
            ...(accept === undefined ? {} : { accept }),
          },
        },
        (answer) => {
          answered = true;
          clearTimeout(timer);
          resolve(answer);
        },
      );
      const timer = setTimeout(() => {
        outgoing.destroy(
          new DomainError(
            'orthanc_error',
            `the image store (Orthanc) did not answer within ${this.headersTimeoutMs / 1000} s`,
          ),
        );
      }, this.headersTimeoutMs);
      outgoing.on('error', (error: Error) => {
        clearTimeout(timer);
        if (!answered && !signal.aborted && attempt < STALE_SOCKET_ATTEMPTS && failedOnStaleSocket(outgoing, error)) {
          resolve(this.attempt(url, accept, signal, attempt + 1));
          return;
        }
        if (error instanceof DomainError || signal.aborted) {
          reject(error);
          return;
        }
        reject(
          new DomainError(
            'orthanc_error',
            'the image store (Orthanc) could not be reached; try again shortly',
            undefined,
            {
              cause: error,
            },
          ),
        );
      });
      outgoing.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Orthanc's refusal as the sidecar's error. Orthanc's own body, `WWW-Authenticate` and the like are
 * never passed on: the browser learns the outcome, not what answered.
 */
export function upstreamRefusal(status: number): DomainError {
  if (status === 404) return new DomainError('not_found', 'no such DICOMweb resource');
  if (status === 400 || status === 406 || status === 415) {
    return new DomainError('invalid_input', `the image store refused the request (HTTP ${status})`);
  }
  if (status === 401 || status === 403) {
    return new DomainError('orthanc_error', "the image store refused the sidecar's credentials");
  }
  return new DomainError('orthanc_error', `the image store failed (HTTP ${status})`);
}
