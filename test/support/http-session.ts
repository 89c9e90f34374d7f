// A logged-in API client for tests: keeps the session cookie and sends the CSRF token on writes.

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiSession {
  readonly baseUrl: string;
  private cookie = '';
  private csrfToken = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async login(username: string, password: string): Promise<ApiResponse> {
    const response = await this.request('POST', '/api/auth/login', { username, password });
    if (response.status === 200) {
      this.csrfToken = (response.body as { csrfToken: string }).csrfToken;
    }
    return response;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie !== '') headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && options.csrf !== false && this.csrfToken !== '') headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** What another client (curl in a benchmark) sends to act in this session: cookie and CSRF headers. */
  credentialHeaders(): { cookie: string; 'x-csrf-token': string } {
    return { cookie: this.cookie, 'x-csrf-token': this.csrfToken };
  }

  /** Sends a non-JSON body (multipart form, raw zip) with the session cookie and CSRF token. */
  async raw(
    method: string,
    path: string,
    body: FormData | Uint8Array<ArrayBuffer> | Buffer,
    contentType?: string,
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = this.credentialHeaders();
    if (contentType !== undefined) headers['content-type'] = contentType;
    const payload: FormData | Uint8Array<ArrayBuffer> = body instanceof FormData ? body : new Uint8Array(body);
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Opens a server-sent events stream; `until(name)` resolves with every event up to that one. */
  events(path: string) {
    const received: { event: string; data: unknown }[] = [];
    const controller = new AbortController();
    const done = (async () => {
      const response = await fetch(`${this.baseUrl}${path}`, {
        headers: { cookie: this.cookie },
        signal: controller.signal,
      });
      const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return;
        buffer += chunk.value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
          received.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    })();
    return {
      async until(name: string): Promise<{ event: string; data: unknown }[]> {
        await done.catch(() => undefined);
        controller.abort();
        if (!received.some((event) => event.event === name))
          throw new Error(`the stream ended without a ${name} event`);
        return received;
      },
    };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown) {
    return this.request<T>('POST', path, body);
  }
}
