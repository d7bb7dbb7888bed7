/** `--set key=value` overrides of a recipe's configuration; values are JSON where they parse as JSON. */
import { UsageError } from './usage-error.js';

export const parseOverrides = (pairs: readonly string[]): Record<string, unknown> => {
  const config: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: keep the text (e.g. --set activation=tanh).
    }
    config[key] = value;
  }
  return config;
};
