import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { constantSchedule, cosineDecaySchedule, linearSchedule, type Schedule } from './schedule.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const onTensor = (schedule: Schedule, step: number) => {
  const t = tf.scalar(step, 'int32');
  const value = schedule.atTensor(t);
  const result = value.dataSync()[0]!;
  t.dispose();
  value.dispose();
  return result;
};

const expectAt = (schedule: Schedule, table: [number, number][]) => {
  for (const [step, expected] of table) {
    expect(schedule.at(step)).toBeCloseTo(expected, 7);
    expect(onTensor(schedule, step)).toBeCloseTo(expected, 6);
  }
};

describe('schedules', () => {
  it('constant', () => {
    expectAt(constantSchedule(3e-4), [
      [0, 3e-4],
      [1_000_000, 3e-4],
    ]);
  });

  it('linear from init to end over T steps, then end', () => {
    // init 1, end 0.2, T = 10: lr(t) = 1 − 0.08·t.
    expectAt(linearSchedule({ init: 1, end: 0.2, steps: 10 }), [
      [0, 1],
      [5, 0.6],
      [10, 0.2],
      [50, 0.2],
    ]);
  });

  it('cosine decay to a floor', () => {
    // init 1, floor 0.1, T = 100: lr(t) = 0.1 + 0.45·(1 + cos(πt/100)).
    // t = 25: cos(π/4) = 0.7071068 → 0.1 + 0.45·1.7071068 = 0.8681981; t = 50: 0.55; t = 100: 0.1.
    expectAt(cosineDecaySchedule({ init: 1, steps: 100, floor: 0.1 }), [
      [0, 1],
      [25, 0.8681981],
      [50, 0.55],
      [100, 0.1],
      [400, 0.1],
    ]);
    expectAt(cosineDecaySchedule({ init: 3e-4, steps: 10 }), [[10, 0]]);
  });

  it('rejects bad arguments', () => {
    expect(() => linearSchedule({ init: 1, end: 0, steps: 0 })).toThrow(/steps/);
    expect(() => cosineDecaySchedule({ init: Number.NaN, steps: 5 })).toThrow(/init/);
  });
});
