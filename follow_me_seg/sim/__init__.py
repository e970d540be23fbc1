"""A small, fast, deterministic follow-me simulator, free of ROS (see the README's "Simulator" section).

- ``world``, ``scenarios``: people walking on flat ground; the hero's scripted scenarios;
- ``drone``: body-frame FLU velocity commands integrated with a first-order response and limits;
- ``camera``: the pinhole camera on the drone (K, projection, ground depth);
- ``sprites``, ``cutouts``: the shipped people / ground / backdrop cut-outs and the tool that cuts them;
- ``render``: the 2.5D compositor (RGB, exact class mask, depth in metres);
- ``simulation``: one seeded episode; ``loop``: the closed loop with the engine and the follower;
- ``metrics``, ``report``, ``video``, ``bench``: figures, CSV / plot, MP4, render speed;
- ``bridge``: the ROS-free parts of the ``sim_bridge`` node.
"""
