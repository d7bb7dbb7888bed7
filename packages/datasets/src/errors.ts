import * as E from 'fp-ts/lib/Either.js';

/**
 * What went wrong with a dataset, as a machine-readable code. Every loader and validator maps its
 * failures onto one of these so callers can branch without parsing messages.
 */
export type DatasetErrorCode =
  | 'not-found'
  | 'not-hdf5'
  | 'truncated'
  | 'unreadable'
  | 'missing-key'
  | 'bad-shape'
  | 'row-count-mismatch'
  | 'dimension-mismatch'
  | 'non-finite'
  | 'bad-dtype'
  | 'bad-value'
  | 'bad-episodes'
  | 'bad-metadata'
  | 'unsupported'
  | 'bad-argument';

/** Where an error lies: the file (if any), the field (key or HDF5 path) and the row (if any). */
export interface DatasetErrorLocation {
  readonly file?: string | undefined;
  readonly field?: string | undefined;
  readonly row?: number | undefined;
}

/**
 * The one error type of this package. Loaders reject with it, validators return it as the left
 * side of an fp-ts `Either`. The message always starts with the location so a log line is enough to
 * find the bad value: `hopper.hdf5: rewards, row 12: NaN`.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly row: number | undefined;
  /** The problem without the location prefix. */
  readonly detail: string;

  constructor(code: DatasetErrorCode, detail: string, location: DatasetErrorLocation = {}) {
    super(formatMessage(detail, location));
    this.code = code;
    this.detail = detail;
    this.file = location.file;
    this.field = location.field;
    this.row = location.row;
  }

  /** The same error located in `file` (validators do not know the file; loaders add it). */
  inFile(file: string | undefined): DatasetError {
    if (file === undefined || this.file !== undefined) return this;
    return new DatasetError(this.code, this.detail, { file, field: this.field, row: this.row });
  }
}

function formatMessage(detail: string, { file, field, row }: DatasetErrorLocation): string {
  const where: string[] = [];
  if (file !== undefined) where.push(file);
  const inside = [field, row === undefined ? undefined : `row ${row}`].filter((x) => x !== undefined);
  if (inside.length > 0) where.push(inside.join(', '));
  return where.length === 0 ? detail : `${where.join(': ')}: ${detail}`;
}

/** Wraps any thrown value as a `DatasetError`, keeping one that already is. */
export function toDatasetError(
  cause: unknown,
  code: DatasetErrorCode,
  location: DatasetErrorLocation,
): DatasetError {
  if (cause instanceof DatasetError) return cause.inFile(location.file);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DatasetError(code, detail, location);
}

/** A reader's rejection as an `Either` value: the error names `file` when the reader's own does not. */
export async function attemptRead<T>(
  file: string,
  read: () => Promise<T>,
): Promise<E.Either<DatasetError, T>> {
  try {
    return E.right(await read());
  } catch (cause) {
    return E.left(toDatasetError(cause, 'unreadable', { file }));
  }
}
