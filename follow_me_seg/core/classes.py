"""Class ids, mask colours and the network's input geometry."""

import numpy as np

BACKGROUND, PERSON, HERO = 0, 1, 2
CLASS_NAMES = ("background", "person", "hero")
NUM_CLASSES = 3
HERO_CLASS_ID = CLASS_NAMES[HERO]  # the class_id of the hero's vision_msgs detections

# Mask colours (RGB): class index == channel index.
CLASS_COLOURS_RGB = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)

INPUT_SIZE = 160  # the network works on INPUT_SIZE x INPUT_SIZE RGB frames
CAMERA_SIZE = 256  # the data's camera frames are CAMERA_SIZE x CAMERA_SIZE (camera-resolution training and inference)


def normalise(rgb_uint8):
    """Scale pixels to [-1, 1] as the original project did (``x / 255 * 2 - 1``).

    Works on NumPy arrays and tensors alike.
    """
    return rgb_uint8 * (2.0 / 255.0) - 1.0


def class_ids_to_rgb(class_ids: np.ndarray) -> np.ndarray:
    """Colour a (H, W) class-id map with the mask colours."""
    return CLASS_COLOURS_RGB[class_ids]
