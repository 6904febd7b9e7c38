/** How long one request may take before seeding gives up on an unresponsive platform. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface DemoRequest {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export class DemoApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly responseBody: string,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

/**
 * The public HTTP API of a running CourseHub, through global fetch. Any answer outside 2xx throws,
 * naming the request and quoting the response body: demo data is all or nothing, never silently partial.
 */
export class DemoApiClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    /** Added to a 429's message: what to change so that it does not happen again. */
    private readonly throttlingHint: string,
    /** Sent with every request. */
    private readonly headers: Record<string, string> = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, request: DemoRequest = {}): Promise<T> {
    return (await this.answer<T>(method, path, request, [])).body;
  }

  /**
   * Like `request`, but the `expected` refusals are answers rather than failures (a login probe's
   * 401): they come back with their status instead of throwing.
   */
  async answer<T>(
    method: string,
    path: string,
    request: DemoRequest,
    expected: number[],
  ): Promise<{ status: number; body: T }> {
    const response = await this.send(method, path, request);
    const text = await response.text();
    if (!response.ok && !expected.includes(response.status)) {
      const hint = response.status === 429 ? ` ${this.throttlingHint}` : '';
      throw new DemoApiError(
        `${method} ${path} failed with ${response.status} ${response.statusText}: ${text || '(empty body)'}.${hint}`,
        response.status,
        text,
      );
    }
    try {
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    } catch {
      throw new DemoApiError(
        `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        response.status,
        text,
      );
    }
  }

  private async send(method: string, path: string, request: DemoRequest): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: {
          accept: 'application/json',
          ...this.headers,
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
          ...request.headers,
        },
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`${method} ${this.baseUrl}${path} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
