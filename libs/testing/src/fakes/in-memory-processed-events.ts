/**
 * `ProcessedEvents` in memory for service unit tests: runs an effect once per consumer and event
 * id, as the real one does with its table, and remembers what it ran.
 */
export class InMemoryProcessedEvents {
  readonly ran = new Set<string>();

  async runOnce(consumer: string, envelope: { id: string }, effect: () => Promise<void>): Promise<boolean> {
    const key = `${consumer}/${envelope.id}`;
    if (this.ran.has(key)) return false;
    this.ran.add(key);
    await effect();
    return true;
  }
}
