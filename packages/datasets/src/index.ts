export const packageName = '@offrl/datasets';
