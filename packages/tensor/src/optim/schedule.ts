/**
 * Learning-rate schedules as pure functions of the step `t` (the number of updates already applied, so
 * the first update uses `t = 0`, as PyTorch's schedulers and optax's `count` do). Each schedule is given
 * twice, as numbers (`at`, for logging and tests) and on a step tensor (`atTensor`, used inside an
 * optimiser update so that the step never has to be read back from the device).
 */
import { type Scalar, type Tensor, tf } from '../tf.js';

export interface Schedule {
  at(step: number): number;
  atTensor(step: Tensor): Scalar;
}

/** A learning rate: a constant or a schedule. */
export type LearningRate = number | Schedule;

const checkFinite = (name: string, value: number): void => {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite, got ${value}`);
};

const checkSteps = (name: string, steps: number): void => {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`${name}: steps must be a positive integer, got ${steps}`);
};

/** Progress `min(t, T) / T` in [0, 1] on a step tensor (any numeric dtype). */
const progress = (step: Tensor, steps: number): Scalar =>
  tf.div(tf.minimum(tf.cast(step, 'float32'), steps), steps) as Scalar;

/** lr(t) = value. */
export const constantSchedule = (value: number): Schedule => {
  checkFinite('constantSchedule: value', value);
  return { at: () => value, atTensor: () => tf.scalar(value) };
};

/** lr(t) = init + (end − init)·min(t, T)/T: linear from `init` to `end` over `steps`, then `end`. */
export const linearSchedule = (options: { init: number; end: number; steps: number }): Schedule => {
  const { init, end, steps } = options;
  checkFinite('linearSchedule: init', init);
  checkFinite('linearSchedule: end', end);
  checkSteps('linearSchedule', steps);
  return {
    at: (step) => init + (end - init) * (Math.min(step, steps) / steps),
    atTensor: (step) => tf.tidy(() => tf.add(init, tf.mul(end - init, progress(step, steps))) as Scalar),
  };
};

/**
 * Cosine decay to a floor (Loshchilov & Hutter 2017, SGDR, without restarts):
 *   lr(t) = floor + (init − floor)·½·(1 + cos(π·min(t, T)/T)).
 * `floor` defaults to 0 (CORL's actor schedule); optax's `alpha` is `floor / init`.
 */
export const cosineDecaySchedule = (options: { init: number; steps: number; floor?: number }): Schedule => {
  const { init, steps, floor = 0 } = options;
  checkFinite('cosineDecaySchedule: init', init);
  checkFinite('cosineDecaySchedule: floor', floor);
  checkSteps('cosineDecaySchedule', steps);
  return {
    at: (step) => floor + (init - floor) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps)),
    atTensor: (step) =>
      tf.tidy(
        () =>
          tf.add(
            floor,
            tf.mul((init - floor) * 0.5, tf.add(1, tf.cos(tf.mul(Math.PI, progress(step, steps))))),
          ) as Scalar,
      ),
  };
};

/** The learning rate at a step tensor, for a constant or a schedule. */
export const learningRateAt = (lr: LearningRate, step: Tensor): Scalar =>
  typeof lr === 'number' ? tf.scalar(lr) : lr.atTensor(step);
