"""Learning: the network and everything that trains or scores it. May import ``core``.

* ``model``: the seed's separable-conv FCN (95,961 parameters);
* ``dataset``: Udacity-layout image/mask pairs; ``captures``: raw simulator captures to that layout;
* ``training``, ``losses``, ``copy_paste``, ``hard_negatives``: the tf.data pipeline, loss and levers;
* ``run_folder``: a training run's folder (resume, overwrite, records);
* ``scoring``, ``calibration``, ``mistakes``: the follow-me score, its proxies, the hero-logit offset
  and contact sheets of the mistakes.
"""
