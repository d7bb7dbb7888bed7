import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { makeKey, splitKey } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { flattenTree, unflattenTree } from '../tree.js';
import { ensemble, memberCount, memberParams, resolveFormulation, sliceMembers } from './ensemble.js';
import { type MlpParams, mlp } from './mlp.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

const spec = { inputSize: 5, hiddenSizes: [16, 16], outputSize: 2, members: 4 } as const;

const maxDifference = (a: Tensor, b: Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/** Loss and all parameter gradients of Σ f(params) ⊙ c. */
const lossAndGrads = (params: MlpParams, f: (p: MlpParams) => Tensor, c: Tensor): Tensor[] => {
  const leaves = flattenTree(params);
  const loss = (...ts: Tensor[]) =>
    tf.sum(
      tf.mul(f(unflattenTree(leaves.map((l, i) => ({ path: l.path, tensor: ts[i]! }))) as MlpParams), c),
    );
  const { value, grads } = tf.valueAndGrads(loss)(leaves.map((l) => l.tensor));
  return [value, ...grads];
};

describe('ensemble', () => {
  it('stacks member parameters along a leading axis; member m is the MLP initialised from split key m', () => {
    const net = ensemble(spec);
    const params = net.init(makeKey(1));
    expect(memberCount(params)).toBe(4);
    expect(params['hidden1']!['kernel']!.shape).toEqual([4, 16, 16]);
    expect(params['output']!['bias']!.shape).toEqual([4, 2]);
    const single = mlp(spec);
    const third = single.init(splitKey(makeKey(1), 4)[2]!);
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 2);
    const y = net.apply(params, x);
    expect(y.shape).toEqual([4, 7, 2]);
    expect(maxDifference(tf.slice(y, [2, 0, 0], [1, 7, 2]).squeeze([0]), single.apply(third, x))).toBe(0);
    expect(maxDifference(single.apply(memberParams(params, 2), x), single.apply(third, x))).toBe(0);
  });

  it.each([false, true])(
    'both formulations agree in value and gradients on wasm (LayerNorm %s)',
    (layerNorm) => {
      const net = ensemble({ ...spec, layerNorm });
      const params = net.init(makeKey(3));
      for (const x of [
        tf.randomNormal([9, 5], 0, 1, 'float32', 4),
        tf.randomNormal([4, 9, 5], 0, 1, 'float32', 5),
      ]) {
        const c = tf.randomNormal([4, 9, 2], 0, 1, 'float32', 6);
        const members = lossAndGrads(params, (p) => net.apply(p, x, { formulation: 'members' }), c);
        const batched = lossAndGrads(params, (p) => net.apply(p, x, { formulation: 'batched' }), c);
        members.forEach((m, i) => {
          const scale = Math.max(tf.max(tf.abs(batched[i]!)).dataSync()[0]!, 1e-6);
          expect(maxDifference(m, batched[i]!) / scale).toBeLessThan(1e-5);
        });
      }
    },
  );

  it('uses the same dropout masks in both formulations', () => {
    const net = ensemble({ ...spec, dropout: 0.3 });
    const params = net.init(makeKey(7));
    const x = tf.randomNormal([9, 5], 0, 1, 'float32', 8);
    const options = { training: true, key: makeKey(9) } as const;
    const a = net.apply(params, x, { ...options, formulation: 'members' });
    const b = net.apply(params, x, { ...options, formulation: 'batched' });
    expect(maxDifference(a, b)).toBeLessThan(1e-5);
    expect(maxDifference(a, net.apply(params, x))).toBeGreaterThan(0);
  });

  it('slices a subset of members (REDQ targets) that applies as a smaller ensemble and has gradients', () => {
    const net = ensemble(spec);
    const params = net.init(makeKey(10));
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 11);
    const all = net.apply(params, x);
    const subset = sliceMembers(params, [3, 1]);
    expect(memberCount(subset)).toBe(2);
    const y = net.apply(subset, x);
    expect(y.shape).toEqual([2, 6, 2]);
    expect(maxDifference(tf.gather(all, [3, 1]), y)).toBe(0);
    // The gradient reaches exactly the chosen members of the full tree.
    const grad = tf.grad((k: Tensor) =>
      tf.sum(
        net.apply(
          sliceMembers({ ...params, output: { ...params['output']!, kernel: k } } as MlpParams, [3, 1]),
          x,
        ),
      ),
    )(params['output']!['kernel']!);
    const perMember = tf.sum(tf.abs(grad), [1, 2]).dataSync();
    expect(perMember[0]).toBe(0);
    expect(perMember[2]).toBe(0);
    expect(perMember[1]).toBeGreaterThan(0);
    expect(perMember[3]).toBeGreaterThan(0);
    expect(() => sliceMembers(params, [4])).toThrow('sliceMembers: index 4 is out of range [0, 4)');
  });

  it('names the ensemble and shapes on a mismatch', () => {
    const net = ensemble({ ...spec, name: 'critics' });
    const params = net.init(makeKey(12));
    expect(() => net.apply(params, tf.ones([3, 9, 5]))).toThrow(
      'critics: input has shape [3,9,5], expected [4,*,5]',
    );
    expect(() => net.apply(params, tf.ones([9, 4]))).toThrow(
      'critics: input has shape [9,4], expected [*,5]',
    );
    expect(() => net.apply(params, tf.ones([9, 4]), { formulation: 'batched' })).toThrow(
      /critics: input has shape \[9,4\]/,
    );
    const broken = { ...params, output: { ...params['output']!, bias: tf.zeros([3, 2]) } } as MlpParams;
    expect(() => net.apply(broken, tf.ones([9, 5]))).toThrow(
      "critics: 'output.bias' has shape [3,2], expected a leading member axis of 4 like 'hidden0.bias'",
    );
    expect(() => ensemble({ ...spec, members: 0 })).toThrow(
      'ensemble: members must be a positive integer, got 0',
    );
  });

  it("picks the per-member formulation on wasm and cpu ('auto')", () => {
    expect(resolveFormulation()).toBe('members');
    expect(resolveFormulation('batched')).toBe('batched');
  });
});
