import { assertValidAction, assertValidState } from './action.js';
import type { Env, PhysicsState, ResetOptions, ResetResult, StepResult } from './env.js';
import { EpisodeClock } from './episode-clock.js';
import { entropySeed, Random } from './random.js';
import { box } from './space.js';

const gravity = 10;
const mass = 1;
const length = 1;
const dt = 0.05;
const maxSpeed = 8;
const maxTorque = 2;

/** Angle wrapped to [−π, π), as Gymnasium's `angle_normalize` (Python's `%` is a floored modulo). */
export function normalizeAngle(angle: number): number {
  const turn = 2 * Math.PI;
  return ((((angle + Math.PI) % turn) + turn) % turn) - Math.PI;
}

/**
 * Gymnasium's classic `Pendulum-v1`, in plain TypeScript.
 *
 * State (θ, θ̇), θ = 0 upright. With u = clip(a, −2, 2), g = 10, m = l = 1, dt = 0.05:
 *   θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, −8, 8),   θ' = θ + θ̇'·dt   (semi-implicit Euler)
 *   reward = −(normalize(θ)² + 0.1·θ̇² + 0.001·u²), on the state before the step.
 * Observation (cos θ, sin θ, θ̇), rounded to float32 as Gymnasium's is; never terminates; 200-step limit.
 * Reset: θ ~ U(−π, π), θ̇ ~ U(−1, 1). `setState` takes qpos = [θ], qvel = [θ̇].
 */
export class Pendulum implements Env {
  readonly id = 'Pendulum-v1';
  readonly observationSpace = box([-1, -1, -maxSpeed], [1, 1, maxSpeed], 3, 'float32');
  readonly actionSpace = box(-maxTorque, maxTorque, 1, 'float32');
  readonly maxEpisodeSteps = 200;
  readonly stateSize = { nq: 1, nv: 1 } as const;
  private readonly clock = new EpisodeClock(this.id, this.maxEpisodeSteps);
  private random: Random | undefined;
  private theta = 0;
  private thetaDot = 0;

  reset(options: ResetOptions = {}): ResetResult {
    this.clock.begin();
    if (options.seed !== undefined || this.random === undefined) {
      this.random = new Random(options.seed ?? entropySeed());
    }
    this.theta = this.random.uniform(-Math.PI, Math.PI);
    this.thetaDot = this.random.uniform(-1, 1);
    return { observation: this.observe(), info: {} };
  }

  step(action: ArrayLike<number>): StepResult {
    this.clock.assertRunning();
    assertValidAction(this.id, action, 1);
    const torque = Math.min(maxTorque, Math.max(-maxTorque, action[0] as number));
    const cost = normalizeAngle(this.theta) ** 2 + 0.1 * this.thetaDot ** 2 + 0.001 * torque ** 2;
    const acceleration =
      ((3 * gravity) / (2 * length)) * Math.sin(this.theta) + (3 / (mass * length ** 2)) * torque;
    this.thetaDot = Math.min(maxSpeed, Math.max(-maxSpeed, this.thetaDot + acceleration * dt));
    this.theta = this.theta + this.thetaDot * dt;
    const truncated = this.clock.tick(false);
    return { observation: this.observe(), reward: -cost, terminated: false, truncated, info: {} };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array {
    this.clock.assertOpen();
    assertValidState(this.id, 'qpos', qpos, 1);
    assertValidState(this.id, 'qvel', qvel, 1);
    this.theta = qpos[0] as number;
    this.thetaDot = qvel[0] as number;
    return this.observe();
  }

  getState(): PhysicsState {
    this.clock.assertOpen();
    return { qpos: Float64Array.of(this.theta), qvel: Float64Array.of(this.thetaDot) };
  }

  close(): void {
    this.clock.close();
  }

  private observe(): Float64Array {
    return Float64Array.of(
      Math.fround(Math.cos(this.theta)),
      Math.fround(Math.sin(this.theta)),
      Math.fround(this.thetaDot),
    );
  }
}
