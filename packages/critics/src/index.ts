export const packageName = '@offrl/critics';
