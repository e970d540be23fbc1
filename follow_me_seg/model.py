"""The follow-me FCN: a separable-convolution encoder/decoder (see docs/model-spec.md)."""

import keras
from keras import layers

from follow_me_seg.classes import INPUT_SIZE, NUM_CLASSES


def _sepconv_bn(x, filters: int, name: str, strides: int = 1, bn_name: str | None = None):
    """3x3 separable conv with ReLU, then batch normalisation."""
    x = layers.SeparableConv2D(
        filters, 3, strides=strides, padding="same", activation="relu", name=f"{name}_sepconv"
    )(x)
    return layers.BatchNormalization(name=bn_name or f"{name}_bn")(x)


def _decoder_block(small, skip, filters: int, name: str):
    """Bilinear x2 upsample, concat with the skip tensor, two separable convs."""
    x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{name}_upsample")(small)
    x = layers.Concatenate(name=f"{name}_concat")([x, skip])
    x = _sepconv_bn(x, filters, f"{name}_1")
    return _sepconv_bn(x, filters, f"{name}_2")


def build_fcn(input_size: int = INPUT_SIZE, num_classes: int = NUM_CLASSES) -> keras.Model:
    """Build the 95,961-parameter follow-me network (softmax output, NHWC)."""
    image = keras.Input((input_size, input_size, 3), name="image")
    enc1 = _sepconv_bn(image, 32, "enc1", strides=2)
    enc2 = _sepconv_bn(enc1, 64, "enc2", strides=2)
    enc3 = _sepconv_bn(enc2, 128, "enc3", strides=2)
    x = layers.Conv2D(128, 1, padding="same", activation="relu", name="bottleneck_conv1x1")(enc3)
    x = layers.BatchNormalization(name="bottleneck_bn")(x)
    x = _decoder_block(x, enc2, 128, "dec1")
    x = _decoder_block(x, enc1, 64, "dec2")
    x = _decoder_block(x, image, 32, "dec3")
    probs = layers.Conv2D(num_classes, 1, activation="softmax", name="classifier_conv1x1")(x)
    return keras.Model(image, probs, name="follow_me_fcn")
