export { builtinDataset, builtinDatasetIds, parseBuiltinId } from './builtin/builtin-datasets.js';
export { type LoadedDataset, loadDataset } from './load-dataset.js';
export * from './main.js';
