"""A small, fast, deterministic follow-me simulator, free of ROS (see ``docs/simulator.md``).

May import ``core``, ``learning`` (data cut-outs), ``perception`` and ``control``; never ``nodes`` or ``cli``.

- ``world``, ``scenarios``: people walking on flat ground; the hero's scripted scenarios;
- ``drone``: body-frame FLU velocity commands integrated with a first-order response and limits;
- ``camera``: the pinhole camera on the drone (K, projection, ground depth);
- ``sprites``, ``cutouts``: the shipped people / ground / backdrop cut-outs and the code that cuts them;
- ``render``: the 2.5D compositor (RGB, exact class mask, depth in metres);
- ``realism``: the realism levers (``--realism realistic|optimistic``) and the camera's latency, blur,
  noise and JPEG; ``look``, ``look_fit``: the distance look and its fit to the data;
- ``simulation``: one seeded episode; ``loop``: the closed loop with the engine and the follower;
- ``metrics``, ``report``, ``video``: figures, CSV / plot, MP4.
"""
