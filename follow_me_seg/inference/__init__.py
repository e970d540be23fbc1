"""Inference: the segmentation engine, its backends, the export of fast models and the benchmark.

* ``engine``: ``SegmentationEngine`` and the backend choice;
* ``tensorflow_backend``, ``litert_backend``: one module per backend (the runner behind the engine);
* ``common``: shapes, model files and the records written beside exported models;
* ``folding``: the batch norms folded into the convolutions (exact);
* ``export``: the LiteRT model written beside a ``.keras`` file; ``agreement``: masks compared with Keras;
* ``bench``: the ``bench`` tool.
"""
