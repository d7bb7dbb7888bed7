export const packageName = '@offrl/models';
