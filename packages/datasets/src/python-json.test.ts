import { expect, it, describe as suite } from 'vitest';
import { parsePythonJson, stringifyPythonJson } from './python-json.js';

suite('Python-flavoured JSON', () => {
  it('parses bare Infinity, -Infinity and NaN outside strings only', () => {
    const text =
      '{"low": [-Infinity, 0], "high": [Infinity, 1.5], "x": NaN, "s": "Infinity NaN \\" -Infinity"}';
    const value = parsePythonJson(text) as Record<string, unknown>;
    expect(value['low']).toEqual([Number.NEGATIVE_INFINITY, 0]);
    expect(value['high']).toEqual([Number.POSITIVE_INFINITY, 1.5]);
    expect(value['x']).toBeNaN();
    expect(value['s']).toBe('Infinity NaN " -Infinity');
  });

  it('parses the space strings Minari nests inside metadata.json', () => {
    const inner =
      '{"type": "Box", "dtype": "float64", "shape": [2], "low": [-Infinity, -Infinity], "high": [Infinity, Infinity]}';
    const outer = parsePythonJson(JSON.stringify({ observation_space: inner })) as Record<string, string>;
    expect(parsePythonJson(outer['observation_space']!)).toMatchObject({
      shape: [2],
      low: [-Infinity, -Infinity],
    });
  });

  it('still rejects malformed JSON', () => {
    expect(() => parsePythonJson('{"a": Inf}')).toThrow(SyntaxError);
  });

  it('writes non-finite numbers as Python does, and reads them back', () => {
    const text = stringifyPythonJson({
      low: [Number.NEGATIVE_INFINITY, 1],
      high: Number.POSITIVE_INFINITY,
      bad: Number.NaN,
    });
    expect(text).toBe('{"low":[-Infinity,1],"high":Infinity,"bad":NaN}');
    expect(parsePythonJson(text)).toEqual({
      low: [Number.NEGATIVE_INFINITY, 1],
      high: Number.POSITIVE_INFINITY,
      bad: Number.NaN,
    });
  });
});
