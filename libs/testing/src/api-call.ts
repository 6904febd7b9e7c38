export interface ApiCallOptions {
  body?: unknown;
  /** Bearer access token. */
  token?: string;
  headers?: Record<string, string>;
}

export interface ApiCallResult {
  status: number;
  /** Parsed JSON when the response is JSON, its text otherwise, undefined when empty. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields freely
  body: any;
  headers: Headers;
}

/** One HTTP call to a CourseHub API as a client makes it: JSON in, JSON (or text) out. */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiCallResult> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') ?? false;
  return {
    status: response.status,
    body: text === '' ? undefined : json ? (JSON.parse(text) as unknown) : text,
    headers: response.headers,
  };
}
