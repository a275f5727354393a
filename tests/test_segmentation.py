"""dlhelpers.segmentation: the U-Net builder and the class weights."""

import numpy as np
import pytest

from dlhelpers import segmentation


def test_unet_shapes_shares_the_detector_encoder(tf):
    from dlhelpers.detection import build_detector

    unet = segmentation.build_unet(size=16, width=6, num_classes=4, seed=0)
    detector = build_detector(size=16, width=6, seed=0)
    assert unet.output.shape[1:] == (16, 16, 4)
    for name in segmentation.ENCODER:
        assert unet.get_layer(name).output.shape == detector.get_layer(name).output.shape
        for a, b in zip(
            unet.get_layer(name).get_weights(), detector.get_layer(name).get_weights(), strict=True
        ):
            assert a.shape == b.shape
    assert [unet.get_layer(f"up{k}").output.shape[1] for k in (3, 2, 1)] == [4, 8, 16]


def test_unet_trains_a_few_steps(tf):
    import keras

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(8, 16, 16, 1)).astype("float32")
    y = (x[..., 0] > 0.5).astype(int)
    unet = segmentation.build_unet(size=16, width=6, num_classes=2, seed=0)
    unet.compile(
        keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    history = unet.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_class_weights():
    masks = np.array([[0] * 90 + [1] * 9 + [2] * 1])
    np.testing.assert_allclose(segmentation.class_weights(masks, 4, cap=50), [1, 10, 50, 50])
    with pytest.raises(ValueError, match=r"masks: expected some background \(label 0\) pixels"):
        segmentation.class_weights([[1, 2]], 3)
    with pytest.raises(ValueError, match=r"masks: expected labels 0..2, received \(0, 3\)"):
        segmentation.class_weights([[0, 3]], 3)
    with pytest.raises(ValueError, match="cap: expected a number >= 1"):
        segmentation.class_weights(masks, 3, cap=0.5)
