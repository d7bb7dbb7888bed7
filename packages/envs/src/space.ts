/**
 * A Gymnasium `Box`: a product of closed intervals `[low[i], high[i]]`, flattened in row-major order.
 * `dtype` says what Gymnasium declares for the space; values in offrl are always carried in
 * `Float64Array`s, and a `float32` space means they are float32-representable where Gymnasium's are.
 */
export interface Box {
  readonly shape: readonly number[];
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly dtype: 'float32' | 'float64';
}

/** Builds a 1-D Box from per-element bounds, or from scalar bounds repeated `size` times. */
export function box(
  low: number | readonly number[],
  high: number | readonly number[],
  size: number,
  dtype: Box['dtype'],
): Box {
  const expand = (bound: number | readonly number[], name: string): Float64Array => {
    if (typeof bound === 'number') return new Float64Array(size).fill(bound);
    if (bound.length !== size) throw new Error(`box: ${name} has length ${bound.length}, expected ${size}`);
    return Float64Array.from(bound);
  };
  const lowArray = expand(low, 'low');
  const highArray = expand(high, 'high');
  for (let i = 0; i < size; i++) {
    if (!((lowArray[i] as number) <= (highArray[i] as number))) {
      throw new Error(`box: low[${i}] = ${lowArray[i]} is not <= high[${i}] = ${highArray[i]}`);
    }
  }
  return Object.freeze({ shape: Object.freeze([size]), low: lowArray, high: highArray, dtype });
}

/** The number of scalars in a Box (the product of its shape). */
export function boxSize(space: Box): number {
  return space.shape.reduce((product, extent) => product * extent, 1);
}
