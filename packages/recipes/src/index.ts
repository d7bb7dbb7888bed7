export const packageName = '@offrl/recipes';
