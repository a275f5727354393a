"""dlhelpers.detection: grid targets, decoding, the loss and the detector builder."""

import numpy as np
import pytest

from dlhelpers import detection


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


BOXES = [np.array([[2.0, 3.0, 14.0, 11.0], [20.0, 25.0, 36.0, 40.0]]), np.zeros((0, 4))]
CLASSES = [np.array([4, 7]), np.zeros(0, int)]


def test_targets_put_each_box_in_the_cell_of_its_centre():
    t = detection.encode_targets(BOXES, CLASSES, size=48, cell=8)
    assert t.shape == (2, 6, 6, 6) and t[..., 0].sum() == 2 and t[1].sum() == 0
    np.testing.assert_allclose(t[0, 1, 0], [1, 8 / 8 - 1, 7 / 8, 12 / 48, 8 / 48, 4])
    np.testing.assert_allclose(t[0, 3, 4], [1, 28 / 8 - 3, 32.5 / 8 - 4, 16 / 48, 15 / 48, 7])


def test_two_centres_in_one_cell_and_bad_cells_are_refused():
    boxes = [np.array([[0.0, 0, 4, 4], [1.0, 1, 5, 5]])]
    with pytest.raises(ValueError, match="boxes: expected at most one box centre per cell"):
        detection.encode_targets(boxes, [np.array([1, 2])])
    with pytest.raises(ValueError, match="cell: expected a divisor of size 48"):
        detection.encode_targets(BOXES, CLASSES, cell=7)


@pytest.mark.parametrize("class_aware", [True, False])
def test_perfect_outputs_decode_to_the_true_boxes(class_aware):
    t = detection.encode_targets(BOXES, CLASSES)
    outputs = np.concatenate([_logit(t[..., :5]), 20 * np.eye(10)[t[..., 5].astype(int)]], -1)
    found = detection.decode_outputs(outputs, class_aware=class_aware)
    boxes, scores, classes = found[0]
    order = np.argsort(boxes[:, 0])
    np.testing.assert_allclose(boxes[order], BOXES[0], atol=1e-3)
    assert classes[order].tolist() == [4, 7] and np.all(scores > 0.99)
    assert len(found[1][0]) == 0


def test_decoding_applies_the_threshold_and_nms():
    outputs = np.full((1, 2, 2, 7), -10.0)
    outputs[0, :, :, 1:3] = 0.0  # centred in their cells
    outputs[0, :, :, 3:5] = 10.0  # as large as the canvas: neighbours overlap by a third
    outputs[0, 0, 0, 0], outputs[0, 0, 1, 0], outputs[0, 1, 1, 0] = 3.0, 2.0, -1.0
    boxes, scores, _ = detection.decode_outputs(
        outputs, cell=8, class_aware=False, iou_threshold=0.9
    )[0]
    assert len(boxes) == 2 and scores[0] > scores[1]  # the third is below 0.3 confidence
    boxes, _, _ = detection.decode_outputs(outputs, cell=8, class_aware=False, iou_threshold=0.1)[0]
    assert len(boxes) == 1


def test_loss_terms_by_hand(tf):
    rng = np.random.default_rng(0)
    t = detection.encode_targets(BOXES, CLASSES)
    p = rng.normal(size=(2, 6, 6, 15)).astype("float32")
    sig = 1 / (1 + np.exp(-p.astype(float)))
    obj = t[..., 0]
    bce = -(obj * np.log(sig[..., 0]) + (1 - obj) * np.log(1 - sig[..., 0])).mean()
    box = (obj * ((sig[..., 1:5] - t[..., 1:5]) ** 2).sum(-1)).sum() / obj.sum()
    logits = p[..., 5:].astype(float)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    ce = -np.take_along_axis(logp, t[..., 5:6].astype(int), -1)[..., 0]
    cls = (obj * ce).sum() / obj.sum()
    terms = {k: float(v) for k, v in detection.loss_terms(t, p).items()}
    # float32 sums of a few hundred terms: about 1e-6 relative
    np.testing.assert_allclose(
        [terms["objectness"], terms["box"], terms["class"]], [bce, box, cls], rtol=1e-5
    )
    np.testing.assert_allclose(float(detection.detector_loss(t, p)), bce + 5 * box + cls, rtol=1e-5)


def test_builder_shapes_and_a_few_training_steps(tf):
    import keras

    model = detection.build_detector(size=16, width=4, num_classes=3, seed=0)
    assert model.output.shape[1:] == (2, 2, 8)
    again = detection.build_detector(size=16, width=4, num_classes=3, seed=0)
    for a, b in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).uniform(size=(8, 16, 16, 1)).astype("float32")
    boxes = [np.array([[2.0, 2.0, 6.0, 6.0]])] * 8
    y = detection.encode_targets(boxes, [np.array([1])] * 8, size=16, cell=8)
    model.compile(keras.optimizers.Adam(1e-2), detection.detector_loss)
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="size: expected a multiple of 8"):
        detection.build_detector(size=20)


@pytest.mark.parametrize(("size", "cell"), [(64, 16), (32, 4), (40, 8)])
def test_encoding_round_trips_on_other_canvases_and_grids(size, cell):
    rng = np.random.default_rng(size + cell)
    grid = size // cell
    # one box per chosen cell, centred inside it, touching the canvas edge when it can
    cells = rng.choice(grid * grid, size=3, replace=False)
    centres = (
        np.column_stack([cells // grid, cells % grid]) + rng.uniform(0.1, 0.9, (3, 2))
    ) * cell
    # half-sides up to a cell, cut where the canvas ends (the centre stays put)
    half = np.minimum(rng.uniform(1, cell, size=(3, 2)), np.minimum(centres, size - centres))
    boxes = [np.column_stack([centres - half, centres + half])]
    classes = [np.array([0, 5, 9])]
    t = detection.encode_targets(boxes, classes, size=size, cell=cell)
    assert t.shape == (1, grid, grid, 6) and t[..., 0].sum() == 3
    outputs = np.concatenate([_logit(t[..., :5]), 20 * np.eye(10)[t[..., 5].astype(int)]], -1)
    found_boxes, _, found_classes = detection.decode_outputs(outputs, cell=cell)[0]
    order, truth_order = np.argsort(found_boxes[:, 0]), np.argsort(boxes[0][:, 0])
    np.testing.assert_allclose(found_boxes[order], boxes[0][truth_order], atol=1e-3)
    assert found_classes[order].tolist() == classes[0][truth_order].tolist()


def test_encoding_and_decoding_refuse_bad_inputs():
    with pytest.raises(ValueError, match=r"boxes\[0\]: expected box centres inside the 48x48"):
        detection.encode_targets([np.array([[50.0, 0, 60, 4]])], [np.array([1])])
    with pytest.raises(ValueError, match=r"boxes\[0\], classes\[0\]: expected the same number"):
        detection.encode_targets([np.array([[0.0, 0, 4, 4]])], [np.array([1, 2])])
    with pytest.raises(ValueError, match="boxes, classes: expected the same number of rows"):
        detection.encode_targets(BOXES, CLASSES[:1])
    with pytest.raises(ValueError, match=r"outputs: expected \(N, G, G, 5 \+ C\) with a square"):
        detection.decode_outputs(np.zeros((1, 4, 6, 15)))


def test_decoding_extreme_logits_warns_nothing():
    import warnings

    outputs = np.full((1, 6, 6, 15), -1000.0)
    outputs[0, 2, 3, 0] = 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boxes, scores, _ = detection.decode_outputs(outputs, score_threshold=0.05)[0]
    assert len(boxes) == 1 and scores[0] == pytest.approx(0.1)
