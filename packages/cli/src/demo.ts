/**
 * The interim main job: make a small Pendulum dataset with real physics, train behaviour cloning on it
 * and report the trained policy's return and normalised score next to the behaviour policy's.
 */
import { describe } from '@offrl/datasets';
import { evaluate, makeRecipe, pendulumScriptedDataset, trainOffline } from '@offrl/recipes';
import { disposeTree, initBackend } from '@offrl/tensor';

export interface DemoOptions {
  readonly steps: number;
  readonly episodes: number;
  readonly seed: number;
  readonly print: (line: string) => void;
}

export interface DemoResult {
  readonly behaviourReturn: number;
  readonly policyReturn: number;
  readonly normalizedScore: number;
}

export const runDemo = async ({ steps, episodes, seed, print }: DemoOptions): Promise<DemoResult> => {
  const backend = await initBackend();
  print(`backend: ${backend.name}`);
  const { dataset, behaviourReturn } = await pendulumScriptedDataset({ episodes, seed });
  const info = describe(dataset);
  print(
    `dataset: pendulum-scripted, ${info.transitions} transitions in ${info.episodes} episodes, ` +
      `behaviour return ${behaviourReturn.toFixed(1)}`,
  );
  const recipe = makeRecipe(
    'bc',
    { observationDim: 3, actionDim: 1, actionScale: 2 },
    { hiddenSizes: [64, 64] },
  );
  const started = Date.now();
  const { state } = trainOffline(recipe, dataset, {
    steps,
    seed,
    logEvery: Math.max(1, Math.floor(steps / 4)),
    onLog: (step, metrics) => print(`step ${step}/${steps}  bc/mse ${metrics['bc/mse']?.toFixed(4)}`),
  });
  const seconds = (Date.now() - started) / 1000;
  const evaluation = await evaluate(recipe, state, 'Pendulum-v1', { episodes: 10, seed: 1000 + seed });
  disposeTree(state);
  print(`trained bc for ${steps} steps in ${seconds.toFixed(1)} s (${(steps / seconds).toFixed(0)} steps/s)`);
  print(
    `score: return ${evaluation.meanReturn.toFixed(1)} ± ${evaluation.stdReturn.toFixed(1)} over ${evaluation.episodes} episodes, ` +
      `normalised ${(100 * evaluation.meanNormalizedScore).toFixed(1)}`,
  );
  return {
    behaviourReturn,
    policyReturn: evaluation.meanReturn,
    normalizedScore: evaluation.meanNormalizedScore,
  };
};
