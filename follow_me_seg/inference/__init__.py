"""Inference: the segmentation engine, its backends, the export of fast models and the benchmark.

* ``engine``: ``SegmentationEngine`` and the backend choice;
* ``tensorflow_backend``, ``litert_backend``, ``openvino_backend``: one module per backend (the runner
  behind the engine); ``pinning``: CPU threads pinned one per core;
* ``common``: shapes, model files and the records written beside exported models;
* ``folding``: the batch norms folded into the convolutions (exact);
* ``export``: the LiteRT and OpenVINO models written beside a ``.keras`` file; ``agreement``: masks
  compared with Keras, and the rule a faster model must pass;
* ``bench``: the ``bench`` tool, with ``loaded`` (a competing process) and ``peers`` (ONNX Runtime).
* ``keras_backends``: the model's GPU figures under Keras 3 on JAX or PyTorch, where TensorFlow is absent.
"""
