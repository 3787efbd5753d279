/**
 * `compute`, evaluated once per distinct argument. Readers that have seen the
 * same messages of a case share one state object (states are immutable), so
 * what is computed from a state (its next state for one event, its rows) is
 * computed once for all of them, not once per reader.
 */
export function computedOnce<Argument, Result>(compute: (argument: Argument) => Result): (argument: Argument) => Result {
  const results = new Map<Argument, Result>();
  return (argument) => {
    if (results.has(argument)) return results.get(argument) as Result;
    const result = compute(argument);
    results.set(argument, result);
    return result;
  };
}

/**
 * Folds one event into each entitled reader's state of its case, the event
 * applied once per distinct state, and adds to `changed` the readers whose
 * state it changed.
 */
export function foldForReaders<State>(
  states: Map<string, State>,
  readers: readonly string[],
  evolve: (state: State | undefined) => State,
  changed: Set<string>,
): void {
  const evolveOnce = computedOnce(evolve);
  for (const reader of readers) {
    const current = states.get(reader);
    const next = evolveOnce(current);
    if (next === current) continue;
    states.set(reader, next);
    changed.add(reader);
  }
}
