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

/**
 * Checks a row-major batch of `numEnvs × actionSize` actions: its length and that every element is
 * finite, naming the env (row) and element, before any env is stepped.
 */
export function assertValidActionBatch(
  envId: string,
  actions: ArrayLike<number>,
  numEnvs: number,
  actionSize: number,
): void {
  const expected = numEnvs * actionSize;
  if (actions.length !== expected) {
    throw new Error(
      `${envId}: vector actions have length ${actions.length}, expected ${numEnvs} envs × ${actionSize} = ${expected}`,
    );
  }
  for (let k = 0; k < expected; k++) {
    if (!Number.isFinite(actions[k])) {
      const row = Math.floor(k / actionSize);
      throw new Error(
        `${envId}: vector action of env ${row}, element ${k - row * actionSize} is ${actions[k]}; actions must be finite numbers`,
      );
    }
  }
}
