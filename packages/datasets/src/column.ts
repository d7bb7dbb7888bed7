/** The typed arrays a column may hold (int64 columns are converted to `Float64Array` on read). */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/**
 * A dense, row-major array with its shape: `data.length === shape.reduce(×)`. Per-row columns
 * (`infos`) have `shape[0] === size`; metadata arrays (policy weights) have any shape.
 */
export interface Column {
  readonly data: NumericArray;
  readonly shape: readonly number[];
}

/** A value of a `metadata/*` key: a string, a scalar number, or an array with its shape. */
export type MetadataValue = string | number | Column;

/** Number of values in one row of a column: the product of `shape[1..]` (1 for a vector). */
export function rowWidth(shape: readonly number[]): number {
  let width = 1;
  for (let axis = 1; axis < shape.length; axis++) width *= shape[axis]!;
  return width;
}

/** A new column holding the listed rows of `column`, in that order. */
export function gatherColumnRows(column: Column, rows: Uint32Array): Column {
  const width = rowWidth(column.shape);
  const Constructor = column.data.constructor as new (length: number) => NumericArray;
  const data = new Constructor(rows.length * width);
  gatherRows(column.data, width, rows, data);
  return { data, shape: [rows.length, ...column.shape.slice(1)] };
}

/** Copies `rows` of a row-major `source` (row width `width`) into consecutive rows of `target`. */
export function gatherRows(
  source: NumericArray,
  width: number,
  rows: ArrayLike<number>,
  target: NumericArray,
  targetRowOffset = 0,
): void {
  if (width === 1) {
    for (let i = 0; i < rows.length; i++) target[targetRowOffset + i] = source[rows[i]!]!;
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * width;
    target.set(source.subarray(from, from + width), (targetRowOffset + i) * width);
  }
}
