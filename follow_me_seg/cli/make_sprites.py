"""``make_sprites``: cut the simulator's people, ground and backdrop sprites out of follow-me training frames.

The result (a few hundred kB) ships in the package (``follow_me_seg/sim/sprites``) with the data's
MIT LICENSE beside it, so that ``simulate`` and ``sim_bridge`` need no data set. Only ``DATA/train``
is read: validation frames never become sprites.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from follow_me_seg.cli import run_cli
from follow_me_seg.cli.arguments import count


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="make_sprites", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, type=Path, help="follow-me data folder holding train/ and LICENSE")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "sim" / "sprites",
                   help="output folder; default: the package's sim/sprites")
    p.add_argument("--heroes", type=count(1, 1000), default=24, help="hero cut-outs")
    p.add_argument("--people", type=count(1, 1000), default=40, help="other-person cut-outs")
    args = p.parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from follow_me_seg.sim.cutouts import cut_sprites

    counts = cut_sprites(args.data / "train", args.out, args.heroes, args.people)
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()) + f" sprites written to {args.out}")
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
