export const packageName = '@offrl/tensor';
