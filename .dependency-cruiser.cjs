/**
 * The import rules of shared/DESIGN.md, checked in CI (`pnpm deps:check`).
 * Workspace packages are matched both by folder (`packages/x/`) and by name (`@offrl/x`),
 * because a cross-package import resolves through node_modules to the other package's dist.
 */
const pkg = (name) => `(^packages/${name}/|@offrl/${name}(/|$))`;
const tfjs = '@tensorflow/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Cycles between modules make packages impossible to reason about and to publish.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tfjs-only-in-tensor',
      severity: 'error',
      comment: 'Only @offrl/tensor touches TensorFlow.js; everyone else goes through it.',
      from: { path: '^packages/', pathNot: '^packages/tensor/' },
      to: { path: tfjs },
    },
    {
      name: 'datasets-envs-free-of-tensor',
      severity: 'error',
      comment: 'datasets and envs work on typed arrays and must stay usable without tfjs.',
      from: { path: `^packages/(datasets|envs)/` },
      to: { path: `${pkg('tensor')}|${tfjs}` },
    },
    {
      name: 'only-cli-imports-recipes',
      severity: 'error',
      comment: 'recipes sits at the top of the library; only the cli may build on it.',
      from: { path: '^packages/', pathNot: '^packages/(cli|recipes)/' },
      to: { path: pkg('recipes') },
    },
    {
      name: 'components-independent',
      severity: 'error',
      comment: 'critics, actors, constraints and models do not import each other; recipes pass functions.',
      from: { path: '^packages/(critics|actors|constraints|models)/' },
      to: {
        path: `${pkg('critics')}|${pkg('actors')}|${pkg('constraints')}|${pkg('models')}`,
        pathNot: '^packages/$1/',
      },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/cli/' },
      to: { path: pkg('cli') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    preserveSymlinks: false,
  },
};
