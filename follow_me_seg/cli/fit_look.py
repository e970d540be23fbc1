"""Fit the simulator's distance look to the follow-me data: hero colours per size bucket.

    python -m follow_me_seg.cli.fit_look --data ../shared/data/followme

prints the data's table, the rendered tables without and with the fitted look, and the fitted look
(the constants of ``follow_me_seg/sim/look.py`` come from it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from follow_me_seg.cli import run_cli


def main(argv: list[str] | None = None) -> int:
    from follow_me_seg.sim.look_fit import data_table, fit, rendered_table

    p = argparse.ArgumentParser(prog="python -m follow_me_seg.cli.fit_look", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="the followme folder (train/, validation/)")
    args = p.parse_args(argv)
    data = data_table(args.data)
    print("data", data)
    look = fit(data)
    print("rendered without the look", rendered_table(None))
    print("rendered with the fitted look", rendered_table(look))
    print("fitted", look)
    return 0


entry = run_cli(main)

if __name__ == "__main__":
    entry()
