"""The softmax edit of a LiteRT graph: same outputs, softmax beta 2, clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from follow_me_seg.engine import litert_interpreter_class
from follow_me_seg.litert_graph import softmax_off_xnnpack

pytestmark = pytest.mark.skipif(litert_interpreter_class() is None, reason="no LiteRT runtime installed")


def convert(softmax: bool) -> bytes:
    import tensorflow as tf

    rng = np.random.default_rng(0)
    kernel = tf.constant(rng.normal(0, 3, (1, 1, 8, 3)).astype(np.float32))
    bias = tf.constant(np.array([0.5, -1.0, 2.0], np.float32))

    @tf.function(input_signature=[tf.TensorSpec((1, 16, 16, 8), tf.float32)])
    def forward(x):
        logits = tf.nn.conv2d(x, kernel, 1, "VALID") + bias
        return tf.nn.softmax(logits) if softmax else tf.nn.relu(logits)

    return tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()]).convert()


def run(flatbuffer: bytes, x: np.ndarray) -> np.ndarray:
    interpreter = litert_interpreter_class()(model_content=flatbuffer)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def softmax_betas(flatbuffer: bytes) -> list[float]:
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(flatbuffer))
    codes = [flatbuffer_utils.schema_util.get_builtin_code_from_operator_code(c) for c in model.operatorCodes]
    return [op.builtinOptions.beta for op in model.subgraphs[0].operators
            if codes[op.opcodeIndex] == schema.BuiltinOperator.SOFTMAX]


def test_the_edit_keeps_the_probabilities():
    original = convert(softmax=True)
    edited = softmax_off_xnnpack(original)
    assert softmax_betas(original) == [1.0] and softmax_betas(edited) == [2.0]
    x = np.random.default_rng(1).normal(size=(1, 16, 16, 8)).astype(np.float32)
    want = run(original, x)
    assert want.max() > 0.99 and want.min() < 0.01, "confident answers, so a wrong scale would show"
    np.testing.assert_allclose(run(edited, x), want, atol=1e-6)


def test_graphs_it_cannot_edit():
    with pytest.raises(ValueError, match="no float SOFTMAX"):
        softmax_off_xnnpack(convert(softmax=False))
    with pytest.raises(ValueError, match="power of two"):
        softmax_off_xnnpack(convert(softmax=True), beta=3.0)
