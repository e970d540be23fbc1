"""Core: what every layer shares. Imports nothing else of follow_me_seg.

* ``errors``: the exception types users see as one line;
* ``classes``: class ids, colours and the network's input size;
* ``atomic_files``: writes that never leave half a file, output checks;
* ``decoding``, ``image_files``: image bytes and files decoded within a pixel bound;
* ``param_checks``, ``param_spec``: declarative parameters (ranges, choices, read-only, validation);
* ``quiet_tf``: TensorFlow's native logs silenced.
"""
