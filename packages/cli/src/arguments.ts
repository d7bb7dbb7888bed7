/** Parsing of numeric command-line options, with errors that say which option and what it got. */
import { UsageError } from './usage-error.js';

export const integerOption = (
  name: string,
  value: string | undefined,
  fallback: number,
  minimum = 1,
): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < minimum) {
    throw new UsageError(`--${name} must be an integer ≥ ${minimum}, got '${value}'`);
  }
  return n;
};

export const noExtraArguments = (rest: readonly string[]): void => {
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
};
