import { BadRequestException, CallHandler, ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import { ConflictError, NotFoundError, UnavailableError } from '../errors/domain-errors';
import {
  IdempotencyClaim,
  IdempotencyClaimRequest,
  IdempotencyKeyStore,
  IdempotencyRecord,
  IdempotentResponse,
} from './idempotency-store';
import {
  DEFAULT_IDEMPOTENT_OPTIONS,
  IDEMPOTENT_OPTIONS,
  IdempotencyInterceptor,
  requestHashOf,
} from './idempotency.interceptor';

/** Keys in memory; `complete` remembers whether it ran inside `inTransaction`. */
class InMemoryKeyStore implements IdempotencyKeyStore {
  readonly keys = new Map<string, { claimId: string; requestHash: string; response?: IdempotentResponse }>();
  completedInTransaction: boolean[] = [];
  private inside = false;
  private claims = 0;

  claim(request: IdempotencyClaimRequest): Promise<IdempotencyClaim | undefined> {
    const id = `${request.scope}/${request.key}`;
    if (this.keys.has(id)) return Promise.resolve(undefined);
    const claimId = String(++this.claims);
    this.keys.set(id, { claimId, requestHash: request.requestHash });
    return Promise.resolve({ scope: request.scope, key: request.key, claimId });
  }

  find(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return Promise.resolve(this.keys.get(`${scope}/${key}`));
  }

  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.inside = true;
    try {
      return await work();
    } finally {
      this.inside = false;
    }
  }

  complete(claim: IdempotencyClaim, response: IdempotentResponse): Promise<void> {
    this.completedInTransaction.push(this.inside);
    this.keys.get(`${claim.scope}/${claim.key}`)!.response = response;
    return Promise.resolve();
  }

  release(claim: IdempotencyClaim): Promise<void> {
    this.keys.delete(`${claim.scope}/${claim.key}`);
    return Promise.resolve();
  }
}

function httpContext(headers: Record<string, string>, body: unknown) {
  const reply = {
    statusCode: 201,
    headers: {} as Record<string, string>,
    header(name: string, value: string) {
      this.headers[name] = value;
      return this;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
  };
  const request = { headers, body, method: 'POST', url: '/orders?x=1', user: { id: 'user-1' } };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    getHandler: () => httpContext,
  } as unknown as ExecutionContext;
  return { context, reply };
}

describe('IdempotencyInterceptor', () => {
  let store: InMemoryKeyStore;
  let interceptor: IdempotencyInterceptor;
  const handlerOf = (result: () => Observable<unknown>): CallHandler & { calls: number } => {
    const handler = { calls: 0, handle: () => (handler.calls++, result()) };
    return handler;
  };
  const run = (headers: Record<string, string>, body: unknown, handler: CallHandler) => {
    const { context, reply } = httpContext(headers, body);
    return {
      reply,
      result: lastValueFrom(interceptor.intercept(context, handler), { defaultValue: undefined }),
    };
  };

  beforeEach(() => {
    store = new InMemoryKeyStore();
    const reflector = new Reflector();
    jest
      .spyOn(reflector, 'get')
      .mockImplementation((key) =>
        key === IDEMPOTENT_OPTIONS
          ? { ...DEFAULT_IDEMPOTENT_OPTIONS, inProgressRetryAfterSeconds: 2 }
          : undefined,
      );
    interceptor = new IdempotencyInterceptor(reflector, store);
  });

  it('passes requests without a key through and refuses malformed keys', async () => {
    const handler = handlerOf(() => of({ id: 1 }));
    await expect(run({}, {}, handler).result).resolves.toEqual({ id: 1 });
    expect(store.keys.size).toBe(0);
    for (const key of ['', ' ', 'é', 'x'.repeat(256)]) {
      expect(() => run({ 'idempotency-key': key }, {}, handler)).toThrow(BadRequestException);
    }
  });

  it('runs the handler once, stores its response in the transaction and replays it with a header', async () => {
    const handler = handlerOf(() => of({ id: 'a', title: 'T' }));
    const first = run({ 'idempotency-key': 'k' }, { courseId: 'c' }, handler);
    await expect(first.result).resolves.toEqual({ id: 'a', title: 'T' });
    expect(store.completedInTransaction).toEqual([true]);
    expect(first.reply.headers['idempotent-replayed']).toBeUndefined();

    const replay = run({ 'idempotency-key': 'k' }, { courseId: 'c' }, handler);
    await expect(replay.result).resolves.toEqual({ id: 'a', title: 'T' });
    expect(replay.reply).toMatchObject({ statusCode: 201, headers: { 'idempotent-replayed': 'true' } });
    expect(handler.calls).toBe(1);
  });

  it('refuses the same key with another body (422), whatever the key order of a body', async () => {
    const handler = handlerOf(() => of({}));
    await run({ 'idempotency-key': 'k' }, { a: 1, b: 2 }, handler).result;
    await expect(run({ 'idempotency-key': 'k' }, { b: 2, a: 1 }, handler).result).resolves.toEqual({});
    await expect(run({ 'idempotency-key': 'k' }, { a: 2 }, handler).result).rejects.toMatchObject({
      kind: 'unprocessable',
      message: expect.stringMatching(/Idempotency-Key/),
    });
    expect(requestHashOf('POST', '/orders', { a: 1, b: 2 })).toBe(
      requestHashOf('POST', '/orders', { b: 2, a: 1 }),
    );
  });

  it('stores a domain refusal for replay, but releases the key after edge and server errors', async () => {
    const refused = handlerOf(() => throwError(() => new NotFoundError('Course not found')));
    await expect(run({ 'idempotency-key': 'k1' }, {}, refused).result).rejects.toThrow(NotFoundError);
    const replayed = run({ 'idempotency-key': 'k1' }, {}, refused);
    await expect(replayed.result).rejects.toEqual(new HttpException('Course not found', 404));
    expect(refused.calls).toBe(1);

    const failures = [
      new BadRequestException('Validation failed'),
      new UnavailableError('down', 5),
      new Error('bug'),
    ];
    for (const failure of failures) {
      await expect(
        run(
          { 'idempotency-key': 'k2' },
          {},
          handlerOf(() => throwError(() => failure)),
        ).result,
      ).rejects.toBe(failure);
      expect(store.keys.has('user-1/k2')).toBe(false);
    }
  });

  it('answers 409 "in progress" with Retry-After at once while the first request with the key runs', async () => {
    store.keys.set('user-1/k', { claimId: 'other', requestHash: requestHashOf('POST', '/orders', {}) });
    const handler = handlerOf(() => of({}));
    const started = Date.now();
    const failure: unknown = await run({ 'idempotency-key': 'k' }, {}, handler).result.catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as ConflictError).message).toMatch(/in progress/);
    expect((failure as ConflictError).retryAfterSeconds).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000); // no polling
    expect(handler.calls).toBe(0);
  });
});
