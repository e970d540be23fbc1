"""Perception: from class ids to the hero's target, its 3D point and an overlay. May import ``core``.

* ``target``: hero blobs and the target (box, centroid, size);
* ``pipeline``: one frame through the engine's probabilities to a ``FrameResult``;
* ``projection``: pinhole geometry and the hero's point from depth;
* ``overlay``: the class colours drawn over a frame;
* ``image_source``: frames from a folder of images or a video file.
"""
