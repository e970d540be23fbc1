"""Inference: the segmentation engine and its backends (library code only; the tools are in ``cli``).

May import ``core``, ``learning`` (the model, for folding) and ``perception``.

* ``engine``: ``SegmentationEngine`` and the backend choice;
* ``tensorflow_backend``, ``litert_backend``, ``openvino_backend``: one runner per backend;
  ``pinning``: CPU threads pinned one per core;
* ``common``: device and backend choices, shapes, model files and export records;
* ``folding``: the batch norms folded into the convolutions (exact);
* ``exporters``: the LiteRT and OpenVINO models written beside a ``.keras`` file; ``agreement``: masks
  compared with Keras, and the rule a faster model must pass;
* ``loaded``, ``peers``: a competing process and ONNX Runtime, for the benchmark.
"""
