"""Realism levers: each one changes what it should, and ``optimistic`` is the simulator as it was before them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math

import numpy as np
import pytest

from follow_me_seg.core.classes import BACKGROUND, HERO, PERSON
from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.drone import DroneState
from follow_me_seg.sim.realism import REALISM, Realism, Sensor
from follow_me_seg.sim.render import Frame, Renderer
from follow_me_seg.sim.simulation import SimConfig, Simulation
from follow_me_seg.sim.sprites import load_sprites
from follow_me_seg.sim.world import Occluder, Walker

OPTIMISTIC = REALISM["optimistic"]
OFF = dataclasses.asdict(OPTIMISTIC)
LEVEL = Camera(pitch_rad=0.0)
# sha256 (first 16 hex digits) of rgb + class ids + depth of steps 0, 4 and 8, seed 0, flying (1 m/s, 0.3 rad/s),
# computed with the simulator before realism existed: optimistic must render exactly these frames
BEFORE_REALISM = {
    "straight": ["5c0e2794fa7066ed", "29332be2e9a02252", "c237e469e0c9f258"],
    "crowd": ["2f619cdc43e7f887", "d4873d541a1a0268", "0f4fade255473c34"],
    "far_start": ["c4f32449e2efc0ec", "9bc4c3c285b3525c", "788fc811c447ad08"],
    "lost": ["31597ad3c2772f9d", "e3591baab05fbac8", "367dfd54fcb105a2"],
}


def digest(frame: Frame) -> str:
    h = hashlib.sha256()
    for array in (frame.rgb, frame.class_ids, frame.depth):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()[:16]


def flown(config: SimConfig, steps: int, seed: int = 0) -> list[Frame]:
    """The frames the engine gets over ``steps`` steps of 0.1 s, flying 1 m/s forward and turning 0.3 rad/s."""
    sim = Simulation(config, seed)
    frames = []
    for _ in range(steps):
        frames.append(sim.render())
        sim.step(1.0, 0.0, 0.3, 0.1)
    return frames


@pytest.mark.parametrize("scenario", sorted(BEFORE_REALISM))
def test_optimistic_renders_the_frames_of_the_simulator_before_realism(scenario):
    frames = flown(SimConfig(scenario=scenario, realism=OPTIMISTIC), 9)
    assert [digest(f) for f in frames[::4]] == BEFORE_REALISM[scenario]


def test_realistic_is_the_default_and_changes_the_frames():
    assert SimConfig().realism == REALISM["realistic"] == Realism()
    assert all(value not in (0, 0.0, False) for value in dataclasses.asdict(Realism()).values())
    assert digest(flown(SimConfig(scenario="straight"), 1)[0]) != BEFORE_REALISM["straight"][0]


def test_latency_delivers_the_frame_captured_steps_earlier():
    delayed = flown(SimConfig(realism=Realism(**{**OFF, "latency_s": 0.3})), 8)
    prompt = flown(SimConfig(realism=OPTIMISTIC), 8)
    assert all(digest(d) == digest(prompt[0]) for d in delayed[:4])  # nothing older yet: the first frame
    assert [digest(d) for d in delayed[3:]] == [digest(p) for p in prompt[:5]]
    assert digest(prompt[3]) != digest(prompt[0])


def sensor(**levers) -> Sensor:
    return Sensor(Realism(**{**OFF, **levers}), Camera(), np.random.default_rng(0))


def sharpness(rgb: np.ndarray) -> float:
    """Mean absolute horizontal gradient."""
    return float(np.abs(np.diff(rgb.astype(np.float32), axis=1)).mean())


def test_motion_blur_grows_with_yaw_rate_and_keeps_the_mask():
    frame = Simulation(SimConfig(realism=OPTIMISTIC)).render()
    blur = sensor(exposure_s=0.02)
    sharp = [sharpness(blur.expose(frame.rgb, DroneState(yaw_rate=rate))) for rate in (0.0, 0.3, 0.8, 1.5)]
    assert sharp[0] == sharpness(frame.rgb)  # no motion, no blur
    assert sharp[0] > sharp[1] > sharp[2] > sharp[3]
    assert blur.smear_px(DroneState(yaw_rate=1.5))[0] == pytest.approx(1.5 * 0.02 * Camera().k[0, 0])
    assert 0 < blur.smear_px(DroneState(vx=3.0))[1] < 1.0  # forward flight smears far less than turning
    captured = blur.capture(frame, 0.0, DroneState(yaw_rate=1.5))
    assert captured.class_ids is frame.class_ids and captured.depth is frame.depth


def test_noise_and_jpeg_degrade_the_picture_by_their_amounts():
    grey = np.full((64, 64, 3), 128, np.uint8)
    noisy = sensor(noise_std=3.0).expose(grey, DroneState())
    assert (noisy.astype(float) - 128).std() == pytest.approx(3.0, rel=0.1)
    frame = Simulation(SimConfig(realism=OPTIMISTIC)).render()
    low, high = (sensor(jpeg_quality=q).expose(frame.rgb, DroneState()) for q in (30, 85))
    error = [np.abs(x.astype(float) - frame.rgb).mean() for x in (low, high)]
    assert 0 < error[1] < error[0] < 10


def test_an_occluder_hides_the_hero_and_is_background_in_the_mask():
    renderer = Renderer(LEVEL, load_sprites())
    hero = [(Walker(10.0, 0.0, 0.0, 0.0, sprite=0), True)]
    alone = renderer.render((0.0, 0.0, 0.9), 0.0, hero)
    for kind in ("pole", "tree"):
        behind = renderer.render((0.0, 0.0, 0.9), 0.0, hero, [Occluder(5.0, 0.0, kind)])
        hidden = (alone.class_ids == HERO) & (behind.class_ids != HERO)
        assert hidden.any() and (behind.class_ids[hidden] == BACKGROUND).all()
        assert np.all(behind.depth[hidden] < alone.depth[hidden])
    assert (behind.class_ids == HERO).sum() < 0.3 * (alone.class_ids == HERO).sum()  # the tree hides most


def test_occluded_hides_most_of_the_hero_for_a_while():
    sim = Simulation(SimConfig(scenario="occluded", others=0, realism=OPTIMISTIC), seed=0)
    pixels = []
    for _ in range(100):  # the drone follows 1 m/s slower than the hero
        pixels.append(int((sim.render().class_ids == HERO).sum()))
        sim.step(sim.world.hero.speed - 1.0, 0.0, 0.0, 0.1)
    before = np.median(pixels[:30])
    hidden = [p < 0.35 * before for p in pixels]
    assert 10 <= sum(hidden) <= 40 and sim.world.hero.visible  # 1-4 s mostly hidden, never vanished


def test_the_distractor_looks_like_the_hero_but_is_another_person():
    sim = Simulation(SimConfig(scenario="straight"), seed=0)
    lookalikes = [w for w in sim.world.others if w.hero_look]
    assert len(lookalikes) == 1 and lookalikes[0].sprite != sim.world.hero.sprite
    frame = Renderer(LEVEL, load_sprites()).render((0.0, 0.0, 0.9), 0.0, [(Walker(5.0, 0.0, 0.0, 0.0, 3, hero_look=True), False)])
    plain = Renderer(LEVEL, load_sprites()).render((0.0, 0.0, 0.9), 0.0, [(Walker(5.0, 0.0, 0.0, 0.0, 3), True)])
    assert not (frame.class_ids == HERO).any() and np.array_equal(frame.class_ids == PERSON, plain.class_ids == HERO)
    assert np.array_equal(frame.rgb, plain.rgb)
    crossing = Simulation(SimConfig(scenario="distractor", others=0, realism=OPTIMISTIC), seed=0)
    assert [w.hero_look for w in crossing.world.others] == [True]


def test_turn_back_walks_the_hero_back_past_a_hovering_drone():
    sim = Simulation(SimConfig(scenario="turn_back", others=0, realism=OPTIMISTIC), seed=0)
    truth = []
    for _ in range(250):
        truth.append(sim.hero_truth())
        sim.step(0.0, 0.0, 0.0, 0.1)
    ahead = [t.rel_x for t in truth]
    turn = int(np.argmax(ahead))
    assert 4.0 <= turn / 10 <= 9.0 and ahead[-1] < -1.0  # walked away, came back and passed
    passing = next(t for t in truth[turn:] if t.rel_x < 0)
    assert abs(passing.rel_y) < 2.0


def test_distance_look_matches_the_data_per_size_bucket():
    from follow_me_seg.sim.look import DistanceLook
    from follow_me_seg.sim.look_fit import DATA_HERO_COLOURS, rendered_table

    rendered = rendered_table(DistanceLook(), sprite_step=3)
    assert set(rendered) == set(DATA_HERO_COLOURS)
    for bucket, (_, red_green, value) in DATA_HERO_COLOURS.items():
        assert rendered[bucket][1] == pytest.approx(red_green, abs=8.0), bucket
        assert rendered[bucket][2] == pytest.approx(value, abs=8.0), bucket
    kind = rendered_table(None, sprite_step=3)
    assert kind["20-50"][1] > DATA_HERO_COLOURS["20-50"][1] + 15  # without the look, far heroes are too red


def test_the_stored_data_table_is_the_data():
    from shared_data import FOLLOWME, need

    from follow_me_seg.sim.look_fit import DATA_HERO_COLOURS, data_table

    table = data_table(need(FOLLOWME), step=5)  # every 5th frame of train and validation
    for bucket, (_, red_green, value) in DATA_HERO_COLOURS.items():
        assert table[bucket][1] == pytest.approx(red_green, abs=6.0), bucket
        assert table[bucket][2] == pytest.approx(value, abs=6.0), bucket


def test_simulate_records_the_realism(tmp_path):
    from follow_me_seg.cli.simulate import main

    out = tmp_path / "sim"
    assert main(["--scenario", "occluded", "--episodes", "1", "--seconds", "0.5", "--perception", "truth",
                 "--realism", "optimistic", "--out", str(out)]) == 0
    realism = json.loads((out / "summary.json").read_text())["settings"]["realism"]
    assert realism == {"preset": "optimistic", **OFF}
    assert not math.isnan(json.loads((out / "summary.json").read_text())["occluded"]["hero_in_view_fraction"])
