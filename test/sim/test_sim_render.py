"""The simulator's camera and renderer: projected size and foot point, mask and depth against the frame."""

from __future__ import annotations

import math

import numpy as np
import pytest

from follow_me_seg.core.classes import BACKGROUND, HERO, PERSON
from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.render import Renderer
from follow_me_seg.sim.sprites import load_sprites
from follow_me_seg.sim.world import Walker

LEVEL = Camera(pitch_rad=0.0)
PITCHED = Camera(pitch_rad=math.radians(20.0))


def renderer(camera: Camera) -> Renderer:
    return Renderer(camera, load_sprites())


def rows_with(ids: np.ndarray, class_id: int) -> tuple[int, int]:
    rows = np.flatnonzero((ids == class_id).any(axis=1))
    return int(rows[0]), int(rows[-1])


def test_k_is_the_pinhole_matrix_of_the_field_of_view():
    k = Camera(width=320, height=240, horizontal_fov_rad=math.radians(90.0)).k
    assert k[0, 0] == pytest.approx(160.0) and k[1, 1] == pytest.approx(160.0)
    assert (k[0, 2], k[1, 2], k[2, 2]) == (159.5, 119.5, 1.0)


def test_projection_follows_rep103_axes():
    camera = Camera(pitch_rad=0.0)
    ahead_left_up = camera.to_optical(np.array([[10.0, 2.0, 3.0]]), np.array([0.0, 0.0, 2.0]), 0.0)
    assert ahead_left_up[0] == pytest.approx([-2.0, -1.0, 10.0])  # left is -x, up is -y in the optical frame
    turned = camera.to_optical(np.array([[0.0, 10.0, 2.0]]), np.array([0.0, 0.0, 2.0]), math.pi / 2)
    assert turned[0] == pytest.approx([0.0, 0.0, 10.0])  # yaw +90 degrees looks along +y


@pytest.mark.parametrize("distance", [4.0, 8.0, 15.0])
def test_a_person_ahead_has_the_expected_height_and_foot_point(distance):
    """Level camera at half a person's height: the person spans f * 1.8 / d rows, centred on the axis."""
    frame = renderer(LEVEL).render((0.0, 0.0, 0.9), 0.0, [(Walker(distance, 0.0, 0.0, 0.0, sprite=0), True)])
    f, cx, cy = LEVEL.k[0, 0], LEVEL.k[0, 2], LEVEL.k[1, 2]
    top, bottom = rows_with(frame.class_ids, HERO)
    assert bottom - top + 1 == pytest.approx(f * 1.8 / distance, abs=1.5)
    assert bottom + 0.5 == pytest.approx(cy + f * 0.9 / distance, abs=1.0)  # the foot: the sprite's bottom edge
    columns = np.flatnonzero((frame.class_ids == HERO).any(axis=0))
    assert (columns[0] + columns[-1]) / 2 == pytest.approx(cx, abs=2.5)


def test_pitched_camera_places_the_foot_where_trigonometry_says():
    altitude, distance, lateral = 2.5, 6.0, 1.0
    frame = renderer(PITCHED).render((0.0, 0.0, altitude), 0.0, [(Walker(distance, lateral, 0.0, 0.0, sprite=0), True)])
    f, cx, cy = PITCHED.k[0, 0], PITCHED.k[0, 2], PITCHED.k[1, 2]

    def row(height: float) -> float:  # angle below the horizontal minus the pitch
        return cy + f * math.tan(math.atan2(altitude - height, distance) - PITCHED.pitch_rad)

    top, bottom = rows_with(frame.class_ids, HERO)
    assert bottom + 0.5 == pytest.approx(row(0.0), abs=1.0)
    assert top - 0.5 == pytest.approx(row(1.8), abs=1.0)
    columns = np.flatnonzero((frame.class_ids == HERO).any(axis=0))
    foot_depth = distance * math.cos(PITCHED.pitch_rad) + altitude * math.sin(PITCHED.pitch_rad)
    assert (columns[0] + columns[-1]) / 2 == pytest.approx(cx - f * lateral / foot_depth, abs=2.5)  # left of centre


def test_mask_and_depth_agree_with_the_frame():
    r = renderer(PITCHED)
    hero, other = Walker(8.0, 0.3, 0.0, 0.0, sprite=1), Walker(5.0, 0.0, 0.0, 0.0, sprite=2)
    pose = ((0.0, 0.0, 2.5), 0.1)
    frame = r.render(*pose, [(hero, True), (other, False)])
    empty = r.render(*pose, [])
    ids = frame.class_ids
    assert set(np.unique(ids)) == {BACKGROUND, PERSON, HERO}
    changed = (frame.rgb != empty.rgb).any(axis=2)
    assert not changed[ids == BACKGROUND].any()  # background pixels are exactly the empty scene
    assert changed[ids != BACKGROUND].mean() > 0.95  # people pixels are the sprites (rarely the same colour)
    centre_depth = r.camera.to_optical(np.array([[8.0, 0.3, 0.9], [5.0, 0.0, 0.9]]), np.array(pose[0]), pose[1])[:, 2]
    assert np.allclose(frame.depth[ids == HERO], centre_depth[0])
    assert np.allclose(frame.depth[ids == PERSON], centre_depth[1])
    assert np.array_equal(frame.depth[ids == BACKGROUND], empty.depth[ids == BACKGROUND])


def test_ground_depth_is_the_ray_ground_intersection():
    frame = renderer(PITCHED).render((3.0, -2.0, 2.5), 0.7, [])
    f, cy = PITCHED.k[1, 1], PITCHED.k[1, 2]
    for row in (150, 200, 255):
        below_axis = math.atan((row - cy) / f)
        ground_range = 2.5 / math.sin(PITCHED.pitch_rad + below_axis)
        assert frame.depth[row, 128] == pytest.approx(ground_range * math.cos(below_axis), rel=1e-5)
    assert frame.depth[0, 0] == pytest.approx(60.0)  # above the horizon: the backdrop wall
    assert frame.rgb.dtype == np.uint8 and frame.depth.dtype == np.float32


def test_near_people_hide_far_ones():
    r = renderer(LEVEL)
    hero = Walker(10.0, 0.0, 0.0, 0.0, sprite=0)
    alone = r.render((0.0, 0.0, 0.9), 0.0, [(hero, True)])
    behind = r.render((0.0, 0.0, 0.9), 0.0, [(Walker(5.0, 0.0, 0.0, 0.0, sprite=0), False), (hero, True)])
    assert (behind.class_ids == HERO).sum() < 0.5 * (alone.class_ids == HERO).sum()
    hidden = (alone.class_ids == HERO) & (behind.class_ids == PERSON)
    assert hidden.any() and np.all(behind.depth[hidden] < alone.depth[hidden])


def test_people_behind_the_camera_or_outside_the_image_are_not_drawn():
    r = renderer(LEVEL)
    frame = r.render((0.0, 0.0, 0.9), 0.0, [(Walker(-5.0, 0.0, 0.0, 0.0, sprite=0), True),
                                              (Walker(3.0, 30.0, 0.0, 0.0, sprite=0), False)])
    assert not frame.class_ids.any()


def test_shipped_sprites_carry_the_data_licence():
    from follow_me_seg.sim.sprites import sprites_folder

    bank = load_sprites()
    assert len(bank.heroes) >= 12 and len(bank.people) >= 24 and bank.grounds and bank.backdrops
    assert all(s.shape[2] == 4 and s[..., 3].any() for s in bank.heroes + bank.people)
    assert "MIT License" in (sprites_folder() / "LICENSE").read_text()
    sources = (sprites_folder() / "sources.csv").read_text()
    assert "validation" not in sources
    size = sum(p.stat().st_size for p in sprites_folder().rglob("*") if p.is_file())
    assert size < 3_000_000
