export const packageName = '@offrl/actors';
