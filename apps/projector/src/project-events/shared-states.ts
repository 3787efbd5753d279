/**
 * `evolve` for one event, evaluated once per distinct state: readers that have
 * seen the same messages of a case share one state object, so a message
 * entitled to six such readers is folded once, not six times. States are
 * immutable, so sharing them is safe.
 */
export function foldedOnce<State, Event>(evolve: (state: State | undefined, event: Event) => State, event: Event): (state: State | undefined) => State {
  const evolved = new Map<State | undefined, State>();
  return (state) => {
    let next = evolved.get(state);
    if (next === undefined) {
      next = evolve(state, event);
      evolved.set(state, next);
    }
    return next;
  };
}

/** JSON.stringify, evaluated once per object (for states shared by readers). */
export function stringifiedOnce(): (value: object) => string {
  const texts = new WeakMap<object, string>();
  return (value) => {
    let text = texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      texts.set(value, text);
    }
    return text;
  };
}
