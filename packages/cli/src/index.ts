export const packageName = '@offrl/cli';
