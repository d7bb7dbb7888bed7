/** Test helper: the rejection of `promise`, checked to be a `DatasetError`. */
import { expect } from 'vitest';
import { DatasetError } from '../errors.js';

export async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return error as DatasetError;
  }
  throw new Error('expected a rejection');
}
