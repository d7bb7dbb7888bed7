import { assertValidAction, assertValidState } from './action.js';
import type { Env, PhysicsState, ResetOptions, ResetResult, StepResult } from './env.js';
import { EpisodeClock } from './episode-clock.js';
import { entropySeed, Random } from './random.js';
import { box } from './space.js';

const gravity = 9.8;
const cartMass = 1;
const poleMass = 0.1;
const totalMass = cartMass + poleMass;
const halfPoleLength = 0.5;
const maxForce = 10;
const dt = 0.01;
const trackLimit = 2.4;

/**
 * `CartPoleSwingUp-v0`, offrl's small continuous task that terminates, in plain TypeScript.
 *
 * Barto's cart-pole (Barto, Sutton & Anderson 1983; the equations of Gymnasium's CartPole) with
 * m_cart = 1, m_pole = 0.1, pole half-length l = 0.5, g = 9.8, force F = 10·clip(a, −1, 1):
 *   tmp = (F + m_pole·l·θ̇²·sin θ) / M,   θ̈ = (g·sin θ − cos θ·tmp) / (l·(4/3 − m_pole·cos²θ / M)),
 *   ẍ = tmp − m_pole·l·θ̈·cos θ / M,   M = m_cart + m_pole;
 * semi-implicit Euler with dt = 0.01 (velocities first). θ = 0 is upright; the pole starts hanging
 * (θ ≈ π) and must be swung up. Observation (x, ẋ, cos θ, sin θ, θ̇).
 *
 * Reward ½(1 + cos θ)·(1 − (x/2.4)²) on the state after the step: 1 when upright at the centre,
 * never negative, so leaving the track early never pays. Terminates (reward 0) when |x| > 2.4;
 * 500-step limit. Reset: x, ẋ, θ̇ ~ U(−0.05, 0.05), θ = π + U(−0.05, 0.05).
 * `setState` takes qpos = [x, θ], qvel = [ẋ, θ̇].
 */
export class CartPoleSwingUp implements Env {
  readonly id = 'CartPoleSwingUp-v0';
  readonly observationSpace = box(
    [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -1, Number.NEGATIVE_INFINITY],
    [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1, 1, Number.POSITIVE_INFINITY],
    5,
    'float64',
  );
  readonly actionSpace = box(-1, 1, 1, 'float32');
  readonly maxEpisodeSteps = 500;
  readonly stateSize = { nq: 2, nv: 2 } as const;
  private readonly clock = new EpisodeClock(this.id, this.maxEpisodeSteps);
  private random: Random | undefined;
  private x = 0;
  private xDot = 0;
  private theta = Math.PI;
  private thetaDot = 0;

  reset(options: ResetOptions = {}): ResetResult {
    this.clock.begin();
    if (options.seed !== undefined || this.random === undefined) {
      this.random = new Random(options.seed ?? entropySeed());
    }
    this.x = this.random.uniform(-0.05, 0.05);
    this.xDot = this.random.uniform(-0.05, 0.05);
    this.theta = Math.PI + this.random.uniform(-0.05, 0.05);
    this.thetaDot = this.random.uniform(-0.05, 0.05);
    return { observation: this.observe(), info: {} };
  }

  step(action: ArrayLike<number>): StepResult {
    this.clock.assertRunning();
    assertValidAction(this.id, action, 1);
    const force = maxForce * Math.min(1, Math.max(-1, action[0] as number));
    const sin = Math.sin(this.theta);
    const cos = Math.cos(this.theta);
    const tmp = (force + poleMass * halfPoleLength * this.thetaDot ** 2 * sin) / totalMass;
    const thetaAcc =
      (gravity * sin - cos * tmp) / (halfPoleLength * (4 / 3 - (poleMass * cos ** 2) / totalMass));
    const xAcc = tmp - (poleMass * halfPoleLength * thetaAcc * cos) / totalMass;
    this.xDot += dt * xAcc;
    this.x += dt * this.xDot;
    this.thetaDot += dt * thetaAcc;
    this.theta += dt * this.thetaDot;
    const terminated = Math.abs(this.x) > trackLimit;
    const reward = terminated ? 0 : 0.5 * (1 + Math.cos(this.theta)) * (1 - (this.x / trackLimit) ** 2);
    const truncated = this.clock.tick(terminated);
    return { observation: this.observe(), reward, terminated, truncated, info: { x_position: this.x } };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array {
    this.clock.assertOpen();
    assertValidState(this.id, 'qpos', qpos, 2);
    assertValidState(this.id, 'qvel', qvel, 2);
    this.x = qpos[0] as number;
    this.theta = qpos[1] as number;
    this.xDot = qvel[0] as number;
    this.thetaDot = qvel[1] as number;
    return this.observe();
  }

  getState(): PhysicsState {
    this.clock.assertOpen();
    return { qpos: Float64Array.of(this.x, this.theta), qvel: Float64Array.of(this.xDot, this.thetaDot) };
  }

  close(): void {
    this.clock.close();
  }

  private observe(): Float64Array {
    return Float64Array.of(this.x, this.xDot, Math.cos(this.theta), Math.sin(this.theta), this.thetaDot);
  }
}
