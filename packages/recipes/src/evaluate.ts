/**
 * Evaluation: run the recipe's deterministic action on `episodes` fresh episodes of an environment
 * (one vector env, one policy call per step for all of them) and report returns and normalised scores.
 */
import { makeVectorEnv, rollout } from '@offrl/envs';
import { type TensorTree, tf } from '@offrl/tensor';
import type { Recipe } from './recipe.js';

export interface Evaluation {
  readonly episodes: number;
  readonly meanReturn: number;
  readonly stdReturn: number;
  /** Mean normalised score, a fraction (×100 for D4RL's convention). */
  readonly meanNormalizedScore: number;
  readonly returns: readonly number[];
}

export const evaluate = async <S extends TensorTree>(
  recipe: Recipe<S>,
  state: S,
  envId: string,
  options: { episodes?: number; seed?: number } = {},
): Promise<Evaluation> => {
  const episodes = options.episodes ?? 10;
  const env = await makeVectorEnv(envId, episodes);
  try {
    const [observationDim] = env.observationSpace.shape;
    if (observationDim !== recipe.dimensions.observationDim) {
      throw new Error(
        `evaluate: ${envId} has observations of size ${observationDim}, the recipe was built for ${recipe.dimensions.observationDim}`,
      );
    }
    const result = await rollout(
      env,
      (observations, numEnvs) => {
        const actions = tf.tidy(() =>
          recipe.act(state, tf.tensor2d(Float32Array.from(observations), [numEnvs, observationDim])),
        );
        const values = actions.dataSync();
        actions.dispose();
        return values;
      },
      { episodes, seed: options.seed ?? 0 },
    );
    const returns = Array.from(result.returns);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
    const scores = Array.from(result.normalizedScores);
    return {
      episodes,
      meanReturn: mean,
      stdReturn: std,
      meanNormalizedScore: scores.reduce((a, b) => a + b, 0) / scores.length,
      returns,
    };
  } finally {
    await env.close();
  }
};
