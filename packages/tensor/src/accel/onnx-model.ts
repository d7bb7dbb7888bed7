/**
 * A minimal writer of ONNX models (protocol-buffer wire format) for the few tiny graphs the matMul
 * accelerator runs: a handful of nodes with int/float attributes and symbolic dimensions, no
 * initialisers. Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto,
 * AttributeProto, ValueInfoProto, TypeProto.Tensor, TensorShapeProto); the wire format is described at
 * https://protobuf.dev/programming-guides/encoding/. Writing the bytes here avoids a protobuf dependency
 * for ~60 lines of output.
 */

/** ONNX opset of the default domain that the graphs are written against. */
export const ONNX_OPSET = 17;
/** ONNX IR version 8 (ONNX 1.10+), which opset 17 runtimes accept. */
const IR_VERSION = 8;
/** TensorProto.DataType.FLOAT. */
const FLOAT = 1;

type Bytes = number[];

const varint = (value: number): Bytes => {
  const out: Bytes = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
};

const tag = (field: number, wireType: 0 | 2 | 5): Bytes => varint(field * 8 + wireType);
const intField = (field: number, value: number): Bytes => [...tag(field, 0), ...varint(value)];
const bytesField = (field: number, bytes: Bytes): Bytes => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const stringField = (field: number, text: string): Bytes =>
  bytesField(field, [...new TextEncoder().encode(text)]);
const floatField = (field: number, value: number): Bytes => [
  ...tag(field, 5),
  ...new Uint8Array(new Float32Array([value]).buffer),
];

/** A dimension: a fixed size or a symbolic name bound at run time. */
export type Dimension = number | string;

/** A float32 graph input or output. */
export interface OnnxValue {
  readonly name: string;
  readonly shape: readonly Dimension[];
}

export type OnnxAttribute =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

const attribute = (a: OnnxAttribute): Bytes =>
  // AttributeProto: name 1, f 2, i 3, type 20 (FLOAT = 1, INT = 2).
  'int' in a
    ? [...stringField(1, a.name), ...intField(3, a.int), ...intField(20, 2)]
    : [...stringField(1, a.name), ...floatField(2, a.float), ...intField(20, 1)];

const node = (n: OnnxNode): Bytes => [
  // NodeProto: input 1, output 2, op_type 4, attribute 5.
  ...n.inputs.flatMap((name) => stringField(1, name)),
  ...n.outputs.flatMap((name) => stringField(2, name)),
  ...stringField(4, n.op),
  ...(n.attributes ?? []).flatMap((a) => bytesField(5, attribute(a))),
];

const valueInfo = (v: OnnxValue): Bytes => {
  // TensorShapeProto.Dimension: dim_value 1, dim_param 2.
  const dims = v.shape.flatMap((d) =>
    bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)),
  );
  // TypeProto.Tensor: elem_type 1, shape 2; TypeProto: tensor_type 1; ValueInfoProto: name 1, type 2.
  const tensorType = [...intField(1, FLOAT), ...bytesField(2, dims)];
  return [...stringField(1, v.name), ...bytesField(2, bytesField(1, tensorType))];
};

/** The serialised ModelProto of `graph` (float32 values only). */
export const encodeOnnxModel = (graph: OnnxGraph): Uint8Array => {
  // GraphProto: node 1, name 2, input 11, output 12.
  const body = [
    ...graph.nodes.flatMap((n) => bytesField(1, node(n))),
    ...stringField(2, 'offrl'),
    ...graph.inputs.flatMap((v) => bytesField(11, valueInfo(v))),
    ...graph.outputs.flatMap((v) => bytesField(12, valueInfo(v))),
  ];
  // ModelProto: ir_version 1, graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
  return new Uint8Array([
    ...intField(1, IR_VERSION),
    ...bytesField(7, body),
    ...bytesField(8, [...stringField(1, ''), ...intField(2, ONNX_OPSET)]),
  ]);
};
