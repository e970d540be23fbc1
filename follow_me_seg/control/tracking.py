"""Hero tracking across frames (ROS-free): which of a frame's hero blobs is the hero.

A segmenter can see several hero blobs at once: the hero, and a bystander in hero-like colours.
Taking the largest lets a look-alike pull the drone away. The tracker keeps an alpha-beta (constant
velocity) filter on the hero's normalised image position and apparent size, predicts where the
hero is now, and scores each blob against the prediction (gating): the blob within the gate that
is nearest wins, whatever its size. Without one the track coasts on its prediction (no steering:
the follow law holds its last command and hovers after its timeout); after ``coast_s`` it is lost.
Within ``reacquire_s`` the blob nearest where the hero was last seen, and of its size, takes the
track back at once (the same hero: same id). Otherwise a new track starts: within ``reacquire_s``
of a loss on the blob of the hero's size nearest where it was last seen, else on the blob nearest
the image centre, where the follower keeps its hero and where an operator points the camera to hand
it over (not the largest: in the closed loop the largest was most often a bystander close to the
drone that the network called hero). With ``confirm_new`` above 1 a new track steers only once it
has been matched that many frames in a row (a false hero that flickers on a bystander then neither
steers nor keeps the drone from hovering).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

from follow_me_seg.control.law import Observation

IDLE, TENTATIVE, TRACKING, COASTING, LOST = "idle", "tentative", "tracking", "coasting", "lost"


@dataclass(frozen=True)
class TrackParams:
    """How far a blob may be from the prediction, how long a track coasts, and the filter's gains."""

    gate: float = 0.35  # largest distance from the predicted position, in normalised offsets (-1..1 across)
    size_gate: float = 0.7  # largest |ln(size / predicted size)| (0.7: half or double)
    coast_s: float = 1.0  # a track without a matching blob for longer is lost
    reacquire_s: float = 5.0  # a lost hero seen again near where it was within this keeps its track id
    confirm_new: int = 1  # frames in a row a new track must be matched before it steers (not a re-acquisition)
    position_gain: float = 0.6  # alpha: how far each matched blob pulls the estimate
    velocity_gain: float = 0.2  # beta: how far it corrects the velocity


@dataclass(frozen=True)
class _Estimate:
    x: float
    y: float
    size: float
    vx: float = 0.0
    vy: float = 0.0
    t: float = 0.0

    def predict(self, now_s: float) -> _Estimate:
        dt = max(0.0, now_s - self.t)
        return replace(self, x=self.x + self.vx * dt, y=self.y + self.vy * dt, t=now_s)


class HeroTracker:
    """Chooses the hero among each frame's candidate observations (``update``); see the module docstring."""

    def __init__(self, params: TrackParams | None = None):
        self.params = params or TrackParams()
        self.track_id = 0
        self.reacquisitions = 0
        self.reset()

    def reset(self) -> None:
        """Forget the track (the id counter goes on)."""
        self._estimate: _Estimate | None = None  # the track being followed (or tried: TENTATIVE)
        self._matches = 0  # frames in a row a tentative track was matched
        self._hero: _Estimate | None = None  # where the hero was last seen
        self._hero_seen_s: float | None = None
        self._last_now_s: float | None = None
        self.state = IDLE

    def update(self, candidates: Sequence[Observation], now_s: float) -> Observation | None:
        """The candidate that is the hero in the frame taken at ``now_s``, or None (no hero to steer on)."""
        if self._last_now_s is not None and now_s < self._last_now_s:  # the clock went back
            self.reset()
        self._last_now_s = now_s
        candidates = [c for c in candidates if c is not None and c.size > 0 and _finite(c)]
        if self.state in (TRACKING, COASTING):
            match = self._match(candidates, now_s)
            if match is not None:
                self._hero, self._hero_seen_s = self._estimate, now_s
                return match
            if now_s - self._hero_seen_s <= self.params.coast_s:
                self.state = COASTING
                return None
            self.state = LOST
        elif self.state == TENTATIVE:
            match = self._match(candidates, now_s, keep=TENTATIVE)
            if match is not None:
                self._matches += 1
                return self._promote(match, now_s) if self._matches >= self.params.confirm_new else None
            self.state = LOST if self._hero is not None else IDLE  # it did not hold: not the hero
        return self._acquire(candidates, now_s)

    def _match(self, candidates: list[Observation], now_s: float, keep: str = TRACKING) -> Observation | None:
        """The candidate inside the gate nearest the track's prediction (the track corrected by it), or None."""
        predicted = self._estimate.predict(now_s)
        scored = [(self._cost(c, predicted), c) for c in candidates]
        inside = [(cost, c) for cost, c in scored if math.isfinite(cost)]
        if not inside:
            return None
        chosen = min(inside, key=lambda pair: pair[0])[1]
        self._correct(predicted, chosen, now_s)
        self.state = keep
        return chosen

    def _acquire(self, candidates: list[Observation], now_s: float) -> Observation | None:
        """Start a track: the hero again near its last place (at once), else a new one (see the module docstring)."""
        p = self.params
        if not candidates:
            return None
        if self.state == LOST and now_s - self._hero_seen_s <= p.reacquire_s:
            scored = [(self._cost(c, self._hero, position_gate=2 * p.gate), c) for c in candidates]
            cost, nearest = min(scored, key=lambda pair: pair[0])
            if math.isfinite(cost):  # near the hero's last place, and of its size
                self.reacquisitions += 1
                self._estimate = _Estimate(x=nearest.offset_x, y=nearest.offset_y, size=nearest.size, t=now_s)
                return self._promote(nearest, now_s, new=False)
            # soon after a loss only a blob of the hero's size may start a track: not a patch on a bystander
            candidates = [c for c in candidates if abs(math.log(c.size / self._hero.size)) <= p.size_gate]
            if not candidates:
                return None
            chosen = min(candidates, key=lambda c: math.hypot(c.offset_x - self._hero.x, c.offset_y - self._hero.y))
        else:
            chosen = min(candidates, key=lambda c: abs(c.offset_x))
        self._estimate, self._matches = _Estimate(x=chosen.offset_x, y=chosen.offset_y, size=chosen.size, t=now_s), 1
        if p.confirm_new <= 1:
            return self._promote(chosen, now_s)
        self.state = TENTATIVE
        return None

    def _promote(self, c: Observation, now_s: float, new: bool = True) -> Observation:
        self.track_id += int(new)
        self.state, self._hero, self._hero_seen_s = TRACKING, self._estimate, now_s
        return c

    def _cost(self, c: Observation, predicted: _Estimate, position_gate: float | None = None) -> float:
        """Distance from the prediction in gate units, position and size each at most 1 to be inside."""
        p = self.params
        position = math.hypot(c.offset_x - predicted.x, c.offset_y - predicted.y) / (position_gate or p.gate)
        size = abs(math.log(c.size / predicted.size)) / p.size_gate
        return position + size if position <= 1.0 and size <= 1.0 else math.inf

    def _correct(self, predicted: _Estimate, c: Observation, now_s: float) -> None:
        p, dt = self.params, now_s - self._estimate.t
        rx, ry = c.offset_x - predicted.x, c.offset_y - predicted.y
        rate = p.velocity_gain / dt if dt > 0 else 0.0
        self._estimate = _Estimate(x=predicted.x + p.position_gain * rx, y=predicted.y + p.position_gain * ry,
                                   size=c.size, vx=predicted.vx + rate * rx, vy=predicted.vy + rate * ry, t=now_s)


def _finite(c: Observation) -> bool:
    return all(math.isfinite(v) for v in (c.offset_x, c.offset_y, c.size))


def choose_hero(candidates: Sequence[Observation | None], now_s: float,
                tracker: HeroTracker | None = None) -> int | None:
    """The index of the candidate that is the hero: the tracked one, or without ``tracker`` the largest.

    None entries (unusable boxes) are skipped; None when no candidate is the hero.
    """
    valid = [(i, c) for i, c in enumerate(candidates) if c is not None]
    if tracker is None:
        return max(valid, key=lambda pair: pair[1].size)[0] if valid else None
    chosen = tracker.update([c for _, c in valid], now_s)
    return next((i for i, c in valid if c is chosen), None)
