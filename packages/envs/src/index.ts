export const packageName = '@offrl/envs';
