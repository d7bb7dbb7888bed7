/**
 * Checks an action's length and that every element is finite, naming the env and the element.
 * Values outside the action space are allowed, as in Gymnasium: MuJoCo clamps ctrl to ctrlrange and
 * the control cost is computed on the action as given (see README, "Action convention").
 */
export function assertValidAction(envId: string, action: ArrayLike<number>, size: number): void {
  if (action.length !== size) {
    throw new Error(`${envId}: action has length ${action.length}, expected ${size}`);
  }
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(action[i])) {
      throw new Error(`${envId}: action[${i}] is ${action[i]}; actions must be finite numbers`);
    }
  }
}

/** Checks a qpos or qvel passed to `setState`: its length and that every element is finite. */
export function assertValidState(envId: string, name: string, values: ArrayLike<number>, size: number): void {
  if (values.length !== size) {
    throw new Error(`${envId}: setState ${name} has length ${values.length}, expected ${size}`);
  }
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${envId}: setState ${name}[${i}] is ${values[i]}`);
  }
}
