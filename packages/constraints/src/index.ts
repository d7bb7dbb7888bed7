export const packageName = '@offrl/constraints';
