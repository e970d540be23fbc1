"""A 2.5D compositor: what the drone's camera sees, with the exact class mask and depth.

The ground is a tiled texture mapped through the ground plane's homography; beyond
``wall_distance_m`` a backdrop panorama (turning with the yaw) stands as a distant wall. People
are upright billboards: each sprite is scaled to the projected height of a 1.8 m person, its
bottom centre on the projected foot point, drawn far to near. Person pixels get the depth of
the person's body centre. Static occluders (poles, trees) are billboards too, drawn in the same
depth order as background. With a ``DistanceLook``, every billboard's colours fade with its depth.
This is a compositor, not a physics or lighting model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from follow_me_seg.core.classes import BACKGROUND, HERO, PERSON
from follow_me_seg.sim.camera import Camera
from follow_me_seg.sim.look import DistanceLook
from follow_me_seg.sim.sprites import SpriteBank
from follow_me_seg.sim.world import OCCLUDER_KINDS, PERSON_HEIGHT_M, Occluder, Walker

NEAREST_M = 0.3  # people closer than this to the camera plane are not drawn
SMALLEST_PX = 2  # nor are people shorter than this
OCCLUDER_PX_PER_M = 20


@dataclass(frozen=True)
class Frame:
    """One rendered view: RGB uint8 (H, W, 3), class ids uint8 (H, W), optical depth float32 metres (H, W)."""

    rgb: np.ndarray
    class_ids: np.ndarray
    depth: np.ndarray


class Renderer:
    """Renders a world for one camera, with one ground texture and a backdrop panorama from ``sprites``."""

    def __init__(self, camera: Camera, sprites: SpriteBank, ground: int = 0, backdrop_order: Sequence[int] = (),
                 metres_per_texel: float = 0.025, wall_distance_m: float = 60.0, look: DistanceLook | None = None):
        self.camera, self.sprites, self.look = camera, sprites, look
        self.occluder_sprites = {kind: occluder_sprite(kind) for kind in OCCLUDER_KINDS}
        self.texture = sprites.grounds[ground % len(sprites.grounds)]
        self.metres_per_texel, self.wall_distance_m = metres_per_texel, wall_distance_m
        order = list(backdrop_order) or list(range(len(sprites.backdrops)))
        strip = np.hstack([sprites.backdrops[i % len(sprites.backdrops)] for i in order])
        focal = camera.k[0, 0]
        self.panorama = cv2.resize(strip, (round(math.tau * focal), strip.shape[0]), interpolation=cv2.INTER_AREA)
        self._depth_per_metre = camera.ground_depth_per_metre()
        self._columns = np.arange(camera.width)
        self._backdrop_cache: tuple[int, np.ndarray] | None = None

    def render(self, position: Sequence[float], yaw: float, people: Sequence[tuple[Walker, bool]],
               occluders: Sequence[Occluder] = ()) -> Frame:
        """The view from ``position`` (x, y, altitude) at ``yaw`` of ``people`` ((walker, is hero) pairs)
        and static ``occluders`` (background in the class mask: what they hide is not hero)."""
        cam = self.camera
        position = np.asarray(position, float)
        ground_depth = self._depth_per_metre * position[2]
        wall_rows = int(np.count_nonzero(ground_depth[:, 0] > self.wall_distance_m))
        rgb = np.empty((cam.height, cam.width, 3), np.uint8)
        depth = np.empty((cam.height, cam.width), np.float32)
        depth[:] = np.minimum(ground_depth, self.wall_distance_m)
        if wall_rows < cam.height:
            rgb[wall_rows:] = self._ground(position, yaw, wall_rows)
        if wall_rows:
            rgb[:wall_rows] = self._backdrop(yaw, wall_rows)
        ids = np.full((cam.height, cam.width), BACKGROUND, np.uint8)
        self._draw_billboards(rgb, ids, depth, position, yaw, people, occluders)
        return Frame(rgb, ids, depth)

    def _ground(self, position: np.ndarray, yaw: float, first_row: int) -> np.ndarray:
        """Rows ``first_row``.. of the ground: texel (s, t) lies at world (s, t) * metres_per_texel."""
        cam = self.camera
        rotation = cam.world_to_optical(yaw)
        m = self.metres_per_texel
        plane = np.column_stack([rotation[:, 0] * m, rotation[:, 1] * m, -rotation @ position])
        shift = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, -first_row], [0.0, 0.0, 1.0]])
        homography = shift @ cam.k @ plane
        return cv2.warpPerspective(self.texture, homography, (cam.width, cam.height - first_row),
                                   flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_WRAP)  # linear: 2.5x slower

    def _backdrop(self, yaw: float, rows: int) -> np.ndarray:
        """The panorama window in front of the camera, stretched over the top ``rows`` rows."""
        if self._backdrop_cache is None or self._backdrop_cache[0] != rows:
            scaled = cv2.resize(self.panorama, (self.panorama.shape[1], rows), interpolation=cv2.INTER_AREA)
            self._backdrop_cache = (rows, scaled)
        scaled = self._backdrop_cache[1]
        start = round(-yaw * self.camera.k[0, 0])  # turning left moves the scene right
        return scaled[:, (start + self._columns) % scaled.shape[1]]

    def _draw_billboards(self, rgb: np.ndarray, ids: np.ndarray, depth: np.ndarray, position: np.ndarray,
                         yaw: float, people: Sequence[tuple[Walker, bool]], occluders: Sequence[Occluder]) -> None:
        items = [(w.x, w.y, PERSON_HEIGHT_M, self._person_sprite(w, is_hero), HERO if is_hero else PERSON)
                 for w, is_hero in people]
        items += [(o.x, o.y, *self.occluder_sprites[o.kind], BACKGROUND) for o in occluders]
        if not items:
            return
        cam = self.camera
        ground = np.array([[x, y, 0.0] for x, y, *_ in items])
        tops = np.array([height for _, _, height, *_ in items])
        heights = np.column_stack([np.zeros(len(items)), np.full(len(items), PERSON_HEIGHT_M / 2), tops / 2, tops])
        points = ground[:, None, :] + heights[:, :, None] * np.array([0.0, 0.0, 1.0])
        optical = cam.to_optical(points.reshape(-1, 3), position, yaw).reshape(len(items), 4, 3)
        for index in np.argsort(-optical[:, 1, 2]):  # far to near by the depth of a person's body centre there
            foot, _, centre, head = optical[index]
            if min(foot[2], head[2]) < NEAREST_M:
                continue
            (u_foot, v_foot), (_, v_head) = cam.project(np.stack([foot, head]))
            _, _, _, sprite, class_id = items[index]
            self._paste(rgb, ids, depth, sprite, u_foot, v_head, v_foot, class_id, centre[2])

    def _person_sprite(self, walker: Walker, is_hero: bool) -> np.ndarray:
        return (self.sprites.heroes if is_hero or walker.hero_look else self.sprites.people)[walker.sprite]

    def _paste(self, rgb: np.ndarray, ids: np.ndarray, depth: np.ndarray, sprite: np.ndarray, u_foot: float,
               v_head: float, v_foot: float, class_id: int, distance: float) -> None:
        """Draw ``sprite`` with its top edge on row ``v_head``, bottom edge on ``v_foot``, centred on ``u_foot``."""
        top, bottom = round(v_head), round(v_foot)
        height = bottom - top
        if height < SMALLEST_PX:
            return
        width = max(1, round(height * sprite.shape[1] / sprite.shape[0]))
        left = round(u_foot - width / 2)
        rows, cols = ids.shape
        y0, y1, x0, x1 = max(top, 0), min(bottom, rows), max(left, 0), min(left + width, cols)
        if y0 >= y1 or x0 >= x1:
            return
        shrink = height < sprite.shape[0]
        scaled = cv2.resize(sprite, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        scaled = scaled[y0 - top:y1 - top, x0 - left:x1 - left]
        body = scaled[..., 3] >= 128
        colours = scaled[..., :3][body]
        rgb[y0:y1, x0:x1][body] = colours if self.look is None else self.look.apply(colours, distance)
        ids[y0:y1, x0:x1][body] = class_id
        depth[y0:y1, x0:x1][body] = distance


def occluder_sprite(kind: str) -> tuple[float, np.ndarray]:
    """A static occluder's height (m) and RGBA sprite, drawn at ``OCCLUDER_PX_PER_M``: a grey pole or a tree."""
    px = OCCLUDER_PX_PER_M
    if kind == "pole":
        sprite = np.zeros((round(3.0 * px), round(0.16 * px), 4), np.uint8)
        sprite[:] = (120, 122, 125, 255)
        return 3.0, sprite
    height, width = 4.5, 2.4
    sprite = np.zeros((round(height * px), round(width * px), 4), np.uint8)
    trunk = round(0.3 * px / 2)
    sprite[round(2.0 * px):, sprite.shape[1] // 2 - trunk:sprite.shape[1] // 2 + trunk] = (96, 70, 48, 255)
    crown = (sprite.shape[1] // 2, round(1.4 * px)), (round(width * px / 2) - 1, round(1.4 * px) - 1)
    cv2.ellipse(sprite, crown[0], crown[1], 0, 0, 360, (52, 92, 40, 255), -1)
    return height, sprite
