import { type MlpParams, makeKey, mapTree, type Tensor2D, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { behaviourRegularisedActor } from './behaviour-regularised-actor.js';
import { pendulum } from './learning.fixture.js';

/** Zero weights, so the network's output is its output bias: [μ, log σ] before tanh. */
const constantPolicy = (params: MlpParams, loc: number): MlpParams => {
  const zeroed = mapTree(params, (t) => tf.zerosLike(t)) as MlpParams;
  return { ...zeroed, output: { ...zeroed['output']!, bias: tf.tensor1d([loc, 0]) } };
};

describe('behaviourRegularisedActor', () => {
  it('backs up −α_ent·log π(a′|s′) − α·D̂(s′) in the value-penalty variant (BRAC-vp), by hand', () => {
    const part = behaviourRegularisedActor(pendulum, {
      hiddenSizes: [4],
      valuePenalty: true,
      divergenceWeight: 2,
    });
    const init = part.init(makeKey(0));
    // π = tanh-Gaussian with μ 0, σ 1; π_β with μ 0.5, σ 1; α_ent = 1 (initial temperature).
    const params = {
      ...init,
      policy: constantPolicy(init.policy, 0),
      behaviour: constantPolicy(init.behaviour, 0.5),
    };
    // a′ = 0 (u = 0) at 3 states: log π = log N(0; 0, 1) − log 2 (the scale's Jacobian), and
    // D̂ = log N(0; 0, 1) − log N(0; 0.5, 1) = 0.5²/2 = 0.125.
    const logPi = -0.5 * Math.log(2 * Math.PI) - Math.log(2);
    const bonus = part.backupBonus!(params, tf.zeros([3, 3]) as Tensor2D, {
      actions: tf.zeros([1, 3, 1]),
      logProb: tf.fill([1, 3], logPi) as Tensor2D,
    });
    const expected = -(1 * logPi + 2 * 0.125);
    for (const value of bonus.dataSync()) expect(value).toBeCloseTo(expected, 5);
  });

  it('has no backup bonus in the policy-penalty variant (BRAC-pr)', () => {
    expect(behaviourRegularisedActor(pendulum, { valuePenalty: false }).backupBonus).toBeUndefined();
  });
});
