import type { EventEnvelope } from '@coursehub/contracts';
import type { Role } from '@coursehub/core';
import {
  apiCall,
  TestTokenIssuer,
  type ApiCallOptions,
  type ApiCallResult,
  type Persona,
} from '@coursehub/testing';
import type { DataSource } from 'typeorm';

/**
 * What the order tests ask of an environment, on either transport: tokens, the order API, the
 * order rows and the order events as a consumer of them received them. An environment says
 * where its order service listens, its database and the events it recorded; the rest is here.
 */
export abstract class OrdersUnderTest {
  readonly issuer = new TestTokenIssuer();

  /** The order service's base URL. */
  protected abstract get orderServiceUrl(): string;
  /** The order service's database (its data source). */
  protected abstract get orderStore(): DataSource;
  /** Every order event received so far, in arrival order. */
  protected abstract get receivedOrderEvents(): readonly EventEnvelope[];

  persona(roles: Role[]): Promise<Persona> {
    return this.issuer.persona(roles);
  }

  orders(method: string, path: string, options: ApiCallOptions = {}): Promise<ApiCallResult> {
    return apiCall(this.orderServiceUrl, method, path, options);
  }

  /** `POST /orders` of `courseId` as `student` (with `headers`: an idempotency key, say). */
  placeOrder(
    student: Persona,
    courseId: string,
    headers: Record<string, string> = {},
  ): Promise<ApiCallResult> {
    return this.orders('POST', '/orders', { token: student.token, body: { courseId }, headers });
  }

  orderRows(where = 'true', params: unknown[] = []): Promise<{ id: string; status: string }[]> {
    return this.orderStore.query(`SELECT id, status FROM orders WHERE ${where}`, params);
  }

  /**
   * One order's events in the order they happened. Over Kafka, messages keep their order within a
   * partition, not across topics (order.confirmed and order.cancelled are two), so arrival order
   * is no evidence: they are sorted by when they occurred.
   */
  eventsOf(orderId: string): EventEnvelope<{ orderId: string }>[] {
    return (this.receivedOrderEvents as EventEnvelope<{ orderId: string }>[])
      .filter((event) => event.data.orderId === orderId)
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  }
}
