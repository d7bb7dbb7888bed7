import type { MjData, MjModel } from 'mujoco-js';
import { assertValidAction, assertValidState } from './action.js';
import type { Env, EnvInfo, PhysicsState, ResetOptions, ResetResult, StepResult } from './env.js';
import { EpisodeClock } from './episode-clock.js';
import type { LocomotionSpec } from './locomotion-spec.js';
import { compileModel, loadPhysics, type Physics } from './physics.js';
import { entropySeed, Random } from './random.js';
import { type Box, box } from './space.js';

/** Live views into the wasm heap; they detach (length 0) whenever the heap grows. */
interface DataViews {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly ctrl: Float64Array;
}

/**
 * A Gymnasium MuJoCo locomotion env on mujoco-js.
 *
 * reset: `mj_resetData`, qpos = qpos0 + noise, qvel = noise, `mj_forward`.
 * step(a): ctrl = a (MuJoCo clamps it to ctrlrange), `frameSkip` × `mj_step`, `mj_rnePostConstraint`, then
 *   x_velocity = (x_after − x_before) / dt,
 *   reward = w_forward·x_velocity + healthy_reward − w_ctrl·‖a‖²   (‖a‖ of the action as given),
 *   terminated = not healthy (if the task has a health check).
 * Observation: qpos[1:] (x excluded) then qvel, clipped where the task says so.
 */
export class MujocoEnv implements Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  readonly stateSize: { readonly nq: number; readonly nv: number };
  /** Seconds of simulated time per env step. */
  readonly dt: number;
  private readonly clock: EpisodeClock;
  private readonly initialQpos: Float64Array;
  private readonly nu: number;
  private random: Random | undefined;
  private views: DataViews;

  private constructor(
    private readonly physics: Physics,
    private readonly spec: LocomotionSpec,
    private readonly model: MjModel,
    private readonly data: MjData,
  ) {
    this.id = spec.id;
    const { nq, nv, nu } = model;
    this.stateSize = { nq, nv };
    this.nu = nu;
    this.maxEpisodeSteps = spec.maxEpisodeSteps;
    this.clock = new EpisodeClock(spec.id, spec.maxEpisodeSteps);
    this.dt = model.opt.timestep * spec.frameSkip;
    this.initialQpos = Float64Array.from(model.qpos0 as Float64Array);
    const ctrlRange = model.actuator_ctrlrange as Float64Array;
    this.actionSpace = box(
      Array.from({ length: nu }, (_, i) => ctrlRange[2 * i] as number),
      Array.from({ length: nu }, (_, i) => ctrlRange[2 * i + 1] as number),
      nu,
      'float32',
    );
    this.observationSpace = box(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, nq - 1 + nv, 'float64');
    this.views = this.fetchViews();
  }

  /** Loads the physics module (once per process) and compiles the task's model. */
  static async create(spec: LocomotionSpec): Promise<MujocoEnv> {
    const physics = await loadPhysics();
    const model = compileModel(physics, spec.mjcf, spec.id);
    let data: MjData;
    try {
      data = new physics.MjData(model);
    } catch (error) {
      model.delete();
      throw new Error(`${spec.id}: could not allocate MjData (${String(error)})`);
    }
    return new MujocoEnv(physics, spec, model, data);
  }

  reset(options: ResetOptions = {}): ResetResult {
    this.clock.begin();
    if (options.seed !== undefined || this.random === undefined) {
      this.random = new Random(options.seed ?? entropySeed());
    }
    const random = this.random;
    const { nq, nv } = this.stateSize;
    const scale = this.spec.resetNoiseScale;
    const qpos = new Float64Array(nq);
    for (let i = 0; i < nq; i++) qpos[i] = (this.initialQpos[i] as number) + random.uniform(-scale, scale);
    const qvel = new Float64Array(nv);
    for (let i = 0; i < nv; i++) {
      qvel[i] =
        this.spec.velocityNoise === 'uniform' ? random.uniform(-scale, scale) : scale * random.normal();
    }
    this.physics.mj_resetData(this.model, this.data);
    this.writeState(qpos, qvel);
    const views = this.currentViews();
    return { observation: this.observe(views), info: this.resetInfo(views) };
  }

  step(action: ArrayLike<number>): StepResult {
    this.clock.assertRunning();
    assertValidAction(this.id, action, this.nu);
    const { physics, model, data, spec } = this;
    let views = this.currentViews();
    const xBefore = views.qpos[0] as number;
    views.ctrl.set(action);
    for (let i = 0; i < spec.frameSkip; i++) physics.mj_step(model, data);
    physics.mj_rnePostConstraint(model, data);
    views = this.currentViews();
    const { qpos, qvel } = views;
    const xAfter = qpos[0] as number;
    const xVelocity = (xAfter - xBefore) / this.dt;

    let actionSquared = 0;
    for (let i = 0; i < this.nu; i++) actionSquared += (action[i] as number) ** 2;
    const forwardReward = spec.forwardRewardWeight * xVelocity;
    const ctrlCost = spec.ctrlCostWeight * actionSquared;
    const health = spec.health;
    const healthy = health === undefined || health.isHealthy(qpos, qvel);
    const terminated = !healthy;
    const healthyReward =
      health !== undefined && (healthy || health.paidOnTerminatingStep) ? health.healthyReward : 0;
    const reward = forwardReward + healthyReward - ctrlCost;

    const info: Record<string, number> = { x_position: xAfter };
    if (health !== undefined)
      info['z_distance_from_origin'] = (qpos[1] as number) - (this.initialQpos[1] as number);
    info['x_velocity'] = xVelocity;
    info['reward_forward'] = forwardReward;
    info['reward_ctrl'] = -ctrlCost;
    if (health !== undefined) info['reward_survive'] = healthyReward;

    const observation = this.observe(views);
    const truncated = this.clock.tick(terminated);
    return { observation, reward, terminated, truncated, info };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array {
    this.clock.assertOpen();
    assertValidState(this.id, 'qpos', qpos, this.stateSize.nq);
    assertValidState(this.id, 'qvel', qvel, this.stateSize.nv);
    this.writeState(qpos, qvel);
    return this.observe(this.currentViews());
  }

  getState(): PhysicsState {
    this.clock.assertOpen();
    const { qpos, qvel } = this.currentViews();
    return { qpos: Float64Array.from(qpos), qvel: Float64Array.from(qvel) };
  }

  close(): void {
    if (this.data.isDeleted()) return;
    this.clock.close();
    this.data.delete();
    this.model.delete();
  }

  /** Gymnasium's `set_state`: write qpos and qvel, then `mj_forward` for the derived quantities. */
  private writeState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    const views = this.currentViews();
    views.qpos.set(qpos);
    views.qvel.set(qvel);
    this.physics.mj_forward(this.model, this.data);
  }

  private observe({ qpos, qvel }: DataViews): Float64Array {
    const nq = qpos.length;
    const observation = new Float64Array(nq - 1 + qvel.length);
    observation.set(qpos.subarray(1));
    const bound = this.spec.velocityClip;
    for (let i = 0; i < qvel.length; i++) {
      const v = qvel[i] as number;
      observation[nq - 1 + i] = bound === undefined ? v : Math.min(bound, Math.max(-bound, v));
    }
    return observation;
  }

  private resetInfo({ qpos }: DataViews): EnvInfo {
    const info: Record<string, number> = { x_position: qpos[0] as number };
    if (this.spec.health !== undefined) {
      info['z_distance_from_origin'] = (qpos[1] as number) - (this.initialQpos[1] as number);
    }
    return info;
  }

  /** The cached heap views, re-fetched if a heap growth (another env's allocation) detached them. */
  private currentViews(): DataViews {
    this.clock.assertOpen();
    if (this.views.qpos.length === 0) this.views = this.fetchViews();
    return this.views;
  }

  private fetchViews(): DataViews {
    return {
      qpos: this.data.qpos as Float64Array,
      qvel: this.data.qvel as Float64Array,
      ctrl: this.data.ctrl as Float64Array,
    };
  }
}
