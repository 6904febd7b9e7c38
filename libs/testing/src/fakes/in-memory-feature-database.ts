/** One event a service wrote to its outbox, as the in-memory database keeps it. */
export interface RecordedOutboxEvent {
  type: string;
  data: Record<string, unknown>;
  key: string;
}

/**
 * A feature's database in memory for service unit tests: tables (maps by id) and outbox events,
 * with transactions that roll every table back when the work throws. It stands in for the
 * TransactionHost (`withTransaction`) and, through `outbox`, for the Outbox, which refuses to
 * write outside a transaction as the real one does.
 */
export class InMemoryFeatureDatabase {
  readonly events: RecordedOutboxEvent[] = [];
  readonly outbox = {
    add: (contract: { type: string }, data: Record<string, unknown>, options: { key: string }) => {
      if (!this.inTransaction) throw new Error('Outbox.add outside a transaction');
      this.events.push({ type: contract.type, data, key: options.key });
      return Promise.resolve();
    },
  };
  private readonly tables: Map<string, object>[] = [];
  private depth = 0;

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  async withTransaction<T>(work: () => Promise<T>): Promise<T> {
    const tables = this.tables.map((table) => [...table].map(([id, row]) => [id, { ...row }] as const));
    const events = [...this.events];
    this.depth++;
    try {
      return await work();
    } catch (error) {
      // Restore in place, so that every holder of a table or of `events` sees the rollback.
      this.tables.forEach((table, index) => {
        table.clear();
        for (const [id, row] of tables[index]) table.set(id, row);
      });
      this.events.splice(0, this.events.length, ...events);
      throw error;
    } finally {
      this.depth--;
    }
  }

  /** A table of rows by id that transactions roll back; subclasses name theirs. */
  protected table<Row extends object>(): Map<string, Row> {
    const table = new Map<string, Row>();
    this.tables.push(table);
    return table;
  }
}
