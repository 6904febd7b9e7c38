import type { ChildProcess } from 'node:child_process';

/** Children still running in this process, killed on exit so a crashed run leaves no orphan. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills `child` (SIGKILL) if this process exits while it still runs; forgets it once it exits. */
export function killOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const live of liveChildren) live.kill('SIGKILL');
  });
}
