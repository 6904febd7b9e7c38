/*
 * Dense positions: the items of a list (a course's sections, a section's lessons) are at 1..n.
 * Edits compute the new order here and the repository writes it whole (setOrder), under the
 * course's curriculum lock, so positions never repeat and never leave gaps.
 */

/** `position` (1-based) limited to the places an item can take in a list of `length` items. */
export function clampPosition(position: number | undefined, length: number): number {
  if (position === undefined) return length;
  return Math.min(Math.max(Math.trunc(position), 1), Math.max(length, 1));
}

/**
 * The order `ids` with `id` placed at `position` (1-based; the end when omitted or beyond it,
 * the start when below 1). `id` is taken out of `ids` first if it is there, so the same function
 * inserts, moves within a list and moves into another list.
 */
export function placeAt(ids: readonly string[], id: string, position?: number): string[] {
  const others = ids.filter((other) => other !== id);
  const place = clampPosition(position, others.length + 1);
  return [...others.slice(0, place - 1), id, ...others.slice(place - 1)];
}

/** The order `ids` without `id` (what stays of a list after a delete or a move out of it). */
export function without(ids: readonly string[], id: string): string[] {
  return ids.filter((other) => other !== id);
}
