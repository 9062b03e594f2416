import orderSaga from '@meridian/statemachines/order-saga.asl.json';

// The order saga's state machine, the one file both runtimes run: tests walk it instead of copying it.

interface State {
  Type: string;
  Next?: string;
  Catch?: ReadonlyArray<{ ErrorEquals: readonly string[]; Next: string }>;
}

const states = orderSaga.States as Readonly<Record<string, State>>;

function stateNamed(name: string): State {
  const state = states[name];
  if (!state) throw new Error(`statemachines/order-saga.asl.json has no state ${name}`);
  return state;
}

/** Where a Task goes when it succeeds. */
export function nextState(name: string): string | undefined {
  return stateNamed(name).Next;
}

/** Where a Task goes when it fails for good (its Catch of `States.ALL`). */
export function caughtState(name: string): string | undefined {
  return stateNamed(name).Catch?.find((rule) => rule.ErrorEquals.includes('States.ALL'))?.Next;
}
