import { describe, expect, it } from 'vitest';
import { encodeOnnxModel } from './onnx-model.js';

describe('encodeOnnxModel', () => {
  it('writes the protobuf fields of a one-node model', () => {
    const bytes = encodeOnnxModel({
      nodes: [{ op: 'Relu', inputs: ['X'], outputs: ['Y'], attributes: [{ name: 'a', int: 300 }] }],
      inputs: [{ name: 'X', shape: ['m', 2] }],
      outputs: [{ name: 'Y', shape: ['m', 2] }],
    });
    // ir_version (field 1, varint) = 8, then the graph (field 7, length-delimited).
    expect([...bytes.subarray(0, 3)]).toEqual([0x08, 8, 0x3a]);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('Relu');
    expect(text).toContain('offrl');
    // 300 as a varint: 0xac 0x02.
    expect(text).toContain(String.fromCharCode(0x18, 0xac, 0x02));
    // opset_import (field 8): domain '' and version 17 close the model.
    expect([...bytes.subarray(-6)]).toEqual([0x42, 4, 0x0a, 0, 0x10, 17]);
  });
});
