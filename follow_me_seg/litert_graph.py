"""An edit of a converted LiteRT flatbuffer that XNNPACK rewards.

XNNPACK's softmax is slow over three classes (about 0.34 ms per 160x160 frame on a 2-core machine,
against 0.14 ms for LiteRT's own kernel), and XNNPACK only takes softmax ops whose ``beta`` is 1.
Halving the logits' 1x1 convolution and setting ``beta = 2`` leaves the result unchanged (scaling by a
power of two is exact in binary floating point) and runs the softmax on LiteRT's kernel.
"""

from __future__ import annotations

import numpy as np

SOFTMAX_BETA = 2.0


def softmax_off_xnnpack(flatbuffer: bytes, beta: float = SOFTMAX_BETA) -> bytes:
    """Rewrite each float SOFTMAX fed by a float CONV_2D as ``softmax(beta * conv / beta)``.

    Raises ValueError when the graph has no such pair (nothing would change) or ``beta`` is not a
    power of two (the edit would not be exact).
    """
    if not (beta > 1 and float(np.log2(beta)).is_integer()):
        raise ValueError(f"beta must be a power of two above 1, got {beta}")
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(flatbuffer))
    codes = [flatbuffer_utils.schema_util.get_builtin_code_from_operator_code(c) for c in model.operatorCodes]
    edited = 0
    for graph in model.subgraphs:
        producer = {out: op for op in graph.operators for out in op.outputs}
        for op in graph.operators:
            conv = producer.get(op.inputs[0])
            if codes[op.opcodeIndex] != schema.BuiltinOperator.SOFTMAX or conv is None \
                    or codes[conv.opcodeIndex] != schema.BuiltinOperator.CONV_2D:
                continue
            constants = [graph.tensors[i] for i in conv.inputs[1:] if i >= 0]  # kernel and bias
            if any(t.type != schema.TensorType.FLOAT32 or model.buffers[t.buffer].data is None
                   for t in constants):
                continue
            for tensor in constants:
                buffer = model.buffers[tensor.buffer]
                values = np.frombuffer(bytes(buffer.data), np.float32) / np.float32(beta)
                buffer.data = np.frombuffer(values.tobytes(), np.uint8)
            op.builtinOptions.beta = beta
            edited += 1
    if not edited:
        raise ValueError("no float SOFTMAX fed by a float CONV_2D with constant weights in this graph")
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))
