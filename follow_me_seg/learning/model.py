"""The follow-me FCN: a separable-convolution encoder/decoder (see docs/model-spec.md).

``build_fcn(folded=True)`` builds the same graph for inference with its batch norms folded away
(see ``folding.py``): each convolution's ReLU output is already scaled, and what is left of the batch
norm is a per-channel ``ChannelShift``, or nothing where the next layer is a 1x1 convolution that
absorbs the shift into its bias.
"""

from __future__ import annotations

import os

import keras
from keras import layers

from follow_me_seg.core.classes import INPUT_SIZE, NUM_CLASSES
from follow_me_seg.core.errors import ModelError
from follow_me_seg.core.model_files import check_keras_archive

# Blocks whose batch-norm shift the folded graph moves into the bias of the 1x1 convolution that reads them.
SHIFT_FOLDED_INTO = {"enc3": "bottleneck_conv1x1", "dec3_2": "classifier_conv1x1"}


@keras.saving.register_keras_serializable(package="follow_me_seg")
class ChannelShift(layers.Layer):
    """Adds a constant per-channel offset: a batch norm whose scale was folded into the layer before."""

    def build(self, input_shape):
        self.shift = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False, name="shift")

    def call(self, inputs):
        return inputs + self.shift


def _normalise(x, block: str, folded: bool):
    """The block's batch norm, or what is left of it once folded."""
    if not folded:
        return layers.BatchNormalization(name=f"{block}_bn")(x)
    return x if block in SHIFT_FOLDED_INTO else ChannelShift(name=f"{block}_shift")(x)


def _sepconv_bn(x, filters: int, block: str, folded: bool, strides: int = 1):
    """3x3 separable conv with ReLU, then batch normalisation."""
    x = layers.SeparableConv2D(
        filters, 3, strides=strides, padding="same", activation="relu", name=f"{block}_sepconv"
    )(x)
    return _normalise(x, block, folded)


def _decoder_block(small, skip, filters: int, block: str, folded: bool):
    """Bilinear x2 upsample, concat with the skip tensor, two separable convs."""
    x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{block}_upsample")(small)
    x = layers.Concatenate(name=f"{block}_concat")([x, skip])
    x = _sepconv_bn(x, filters, f"{block}_1", folded)
    return _sepconv_bn(x, filters, f"{block}_2", folded)


def build_fcn(input_size: int = INPUT_SIZE, num_classes: int = NUM_CLASSES, folded: bool = False) -> keras.Model:
    """Build the 95,961-parameter follow-me network (softmax output, NHWC); ``folded``: see the module doc."""
    image = keras.Input((input_size, input_size, 3), name="image")
    enc1 = _sepconv_bn(image, 32, "enc1", folded, strides=2)
    enc2 = _sepconv_bn(enc1, 64, "enc2", folded, strides=2)
    enc3 = _sepconv_bn(enc2, 128, "enc3", folded, strides=2)
    x = layers.Conv2D(128, 1, padding="same", activation="relu", name="bottleneck_conv1x1")(enc3)
    x = _normalise(x, "bottleneck", folded)
    x = _decoder_block(x, enc2, 128, "dec1", folded)
    x = _decoder_block(x, enc1, 64, "dec2", folded)
    x = _decoder_block(x, image, 32, "dec3", folded)
    probs = layers.Conv2D(num_classes, 1, activation="softmax", name="classifier_conv1x1")(x)
    return keras.Model(image, probs, name="follow_me_fcn_folded" if folded else "follow_me_fcn")


def at_side(model: keras.Model, input_size: int) -> keras.Model:
    """``model`` (the follow-me FCN) with its weights in the network built for ``input_size``, or itself
    when it already runs at that side (the network is fully convolutional: any multiple of 8)."""
    if model.input_shape[1] == input_size:
        return model
    resized = build_fcn(input_size)
    _copy_weights(model, resized)
    return resized


def _copy_weights(source: keras.Model, target: keras.Model) -> None:
    """Each layer of ``target`` gets the weights of ``source``'s layer of the same name."""
    for layer in target.layers:
        layer.set_weights(source.get_layer(layer.name).get_weights())


def load_weights_from(model: keras.Model, path: str | os.PathLike, what: str = "model") -> None:
    """Copy the weights of the saved model at ``path`` into ``model``, layer by layer by name.

    Fails with a ModelError naming ``what`` when the saved model is not the same network.
    """
    check_keras_archive(path, what)
    try:
        source = keras.models.load_model(path, compile=False)
    except Exception as err:  # Keras raises many types for a bad file
        raise ModelError(f"cannot load {what} (corrupt or not a Keras model): {path} "
                         f"({type(err).__name__})") from None
    names = [layer.name for layer in model.layers]
    if [layer.name for layer in source.layers] != names or source.count_params() != model.count_params():
        raise ModelError(f"{what} {path} is not the follow-me FCN ({source.count_params():,} parameters)")
    _copy_weights(source, model)
