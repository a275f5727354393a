"""Write tests/fixtures/explorers_part{1..6}.ipynb (sources only; execute them afterwards with
``python benchmarks/run_notebooks.py --inplace tests/fixtures/explorers_part*.ipynb``)."""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ["explorer", "nbval-ignore-output"]

INTRO = (
    "This notebook is not a chapter. It is a fixture of `tests/test_browser.py`: it builds "
    "the explorers of {chapters} on small data, {how}, so that the real-browser test can open "
    "it in JupyterLab, run it up to its last explorer and change a control of each explorer "
    "in a few seconds. The chapters themselves are executed by nbval; what this notebook "
    "checks is that each explorer renders and responds in a browser, not what it teaches. "
    "`test_fixtures_build_every_chapter_explorer` fails when a chapter constructs an explorer "
    "class that no fixture builds."
)


def md(text):
    return new_markdown_cell(text)


def code(text, tags=()):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


SEED_SOURCE = """
import dlhelpers

dlhelpers.set_seed(0)
"""

PART1 = [
    md(
        "# Explorers of Chapters 1-2 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 1 (`TrainingExplorer`) and Chapter 2 (`BackpropExplorer`)",
            how="random tables and make_moons instead of the penguins",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
import numpy as np
from sklearn.datasets import make_blobs, make_moons
from sklearn.model_selection import train_test_split

from dlhelpers.explorers import BackpropExplorer, TrainingExplorer
"""
    ),
    md(
        "A small table in place of the penguins: 120 rows, 4 features, 3 classes, split at "
        "random (stratified) into training and validation rows."
    ),
    code(
        """
X, y = make_blobs(120, n_features=4, centers=3, cluster_std=2.0, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(
    X.astype("float32"), y, test_size=0.25, stratify=y, random_state=0
)
print("X_train", X_train.shape, "X_val", X_val.shape, "classes", np.bincount(y_train).tolist())
assert X_train.shape == (90, 4) and X_val.shape == (30, 4)
"""
    ),
    md("Chapter 1's explorer: each change retrains a small Keras network and redraws its curves."),
    code(
        """
training_explorer = TrainingExplorer(X_train, y_train, X_val, y_val, seed=0)
training_explorer
""",
        EXPLORER,
    ),
    md(
        "Chapter 2's explorer: the NumPy MLP written in that chapter, trained on 150 points of "
        "two moons; each change retrains it and redraws the loss and the decision boundary."
    ),
    code(
        """
x_moons, y_moons = make_moons(150, noise=0.2, random_state=0)
backprop_explorer = BackpropExplorer(x_moons, y_moons, seed=0)
backprop_explorer
""",
        EXPLORER,
    ),
    md(
        "## Summary\n\nBoth explorers built; the browser test changes a control of each and "
        "checks that its figure changed."
    ),
]

PART2 = [
    md(
        "# Explorers of Chapters 3-4 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 3 (`KernelExplorer`, `ConvArithmeticExplorer`) and Chapter 4 "
            "(`FeatureMapExplorer`)",
            how="a shrunk photo and an untrained CNN on scikit-learn's 8x8 digits (enlarged "
            "to 24x24) instead of a CNN trained on MNIST",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
import numpy as np

from dlhelpers import cnn
from dlhelpers.data import load_digits, load_photo
from dlhelpers.explorers import ConvArithmeticExplorer, FeatureMapExplorer, KernelExplorer
"""
    ),
    md("Chapter 3's kernel explorer, on the camera photo shrunk to 64x64 pixels."),
    code(
        """
photo = load_photo("camera", gray=True)
kernel_explorer = KernelExplorer(photo, preset="vertical edges (Sobel x)", size=64)
kernel_explorer
""",
        EXPLORER,
    ),
    md("Chapter 3's convolution-arithmetic explorer (no data: sizes only)."),
    code(
        """
arithmetic_explorer = ConvArithmeticExplorer(size=7, kernel_size=3, strides=2, padding="same")
arithmetic_explorer
""",
        EXPLORER,
    ),
    md(
        "Twelve digits drawn at random, each pixel enlarged to 3x3 (24x24 images), and an "
        "untrained CNN with the same named layers as Chapter 4's (4 and 8 filters)."
    ),
    code(
        """
images, labels = load_digits()
rng = np.random.default_rng(0)
pick = rng.choice(len(images), 12, replace=False)
x = np.kron(images[pick] / 16.0, np.ones((3, 3)))[..., None].astype("float32")
model = cnn.build_digit_cnn((4, 8), dense_units=16, augment=False, input_shape=(24, 24, 1), seed=0)
print("images", x.shape, "| layers:", [layer.name for layer in model.layers])
assert x.shape == (12, 24, 24, 1)
"""
    ),
    md("Chapter 4's explorer, offering the same layers as the chapter."),
    code(
        """
feature_map_explorer = FeatureMapExplorer(
    model, x, labels[pick], layers=["conv1", "relu1", "pool1", "conv2", "relu2", "pool2"]
)
feature_map_explorer
""",
        EXPLORER,
    ),
    md(
        "## Summary\n\nThree explorers built; the browser test changes a control of each and "
        "checks that its figure changed."
    ),
]

PART3 = [
    md(
        "# Explorers of Chapters 5-7 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 5 (`HiddenStateExplorer`, `GradientFlowExplorer`), Chapter 6 "
            "(`GatesExplorer`) and Chapter 7 (`AttentionExplorer`)",
            how="untrained recurrent models on short synthetic sequences and a few dates",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
import keras
import numpy as np

from dlhelpers import seq2seq
from dlhelpers.explorers import (
    AttentionExplorer,
    GatesExplorer,
    GradientFlowExplorer,
    HiddenStateExplorer,
)
from dlhelpers.sequences import adding_problem
"""
    ),
    md(
        "Chapter 5's hidden-state explorer: an untrained SimpleRNN with 8 units reads three "
        "sequences of 20 steps."
    ),
    code(
        """
T = 20
t = np.arange(T, dtype="float32")
windows = {
    "sine": np.sin(t / 3)[:, None],
    "ramp": (t / T)[:, None],
    "noise": np.random.default_rng(0).normal(size=(T, 1)).astype("float32"),
}
rnn_model = keras.Sequential(
    [keras.Input((T, 1)), keras.layers.SimpleRNN(8, name="rnn"), keras.layers.Dense(1)]
)
hidden_state_explorer = HiddenStateExplorer(
    rnn_model, windows, step_labels=[f"-{T - i}" for i in range(T)]
)
hidden_state_explorer
""",
        EXPLORER,
    ),
    md("Chapter 5's gradient-flow explorer (NumPy only, as in the chapter)."),
    code(
        """
flow_explorer = GradientFlowExplorer(units=16, seed=0)
flow_explorer
""",
        EXPLORER,
    ),
    md(
        "Chapter 6's gates explorer: an untrained LSTM with 8 units reads six sequences of the "
        "adding problem; the marked steps are drawn as dashed lines."
    ),
    code(
        """
probe, _ = adding_problem(6, 20, seed=0)
marks = [np.flatnonzero(row) for row in probe[..., 1] == 1]
lstm_model = keras.Sequential([keras.Input((20, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])
gates_explorer = GatesExplorer(lstm_model, probe, marks=marks, feature_names=["value", "marker"])
gates_explorer
""",
        EXPLORER,
    ),
    md(
        "Chapter 7's attention explorer: an untrained attention encoder-decoder (16 units) for "
        "lines of one date; it decodes nonsense, but draws where it looks."
    ),
    code(
        """
data = seq2seq.make_dates(40, seed=1, formats=["dd/mm/yy", "d.m.yyyy", "d mon yyyy"])
in_vocab = seq2seq.CharVocab(data.inputs)
out_vocab = seq2seq.CharVocab("0123456789- ")
IN_LEN = max(len(text) for text in data.inputs)
OUT_LEN = max(len(text) for text in data.targets) + 1
attn = seq2seq.build_encoder_decoder(
    len(in_vocab), len(out_vocab), IN_LEN, OUT_LEN, units=16, embed_dim=8, attention=True
)
attention_explorer = AttentionExplorer(attn, in_vocab, out_vocab, IN_LEN, OUT_LEN, data.inputs[:4])
attention_explorer
""",
        EXPLORER,
    ),
    md(
        "## Summary\n\nFour explorers built; the browser test changes a control of each and "
        "checks that its figure changed."
    ),
]

PART4 = [
    md(
        "# Explorers of Chapters 8-10 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 8 (`ScheduleExplorer`), Chapter 9 (`ServiceExplorer`) and "
            "Chapter 10 (`ShardingExplorer`)",
            how="a few hundred of scikit-learn's 8x8 digits and a briefly trained softmax "
            "classifier",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
import shutil
import tempfile
from pathlib import Path

import keras

from dlhelpers.data import load_digits, train_val_test_split
from dlhelpers.explorers import ScheduleExplorer, ServiceExplorer, ShardingExplorer
"""
    ),
    md(
        "The digits as 64 features in [0, 1], split at random (stratified); the explorers use "
        "a random 200 of the training rows."
    ),
    code(
        """
images, labels = load_digits()
x = (images.reshape(len(images), -1) / 16.0).astype("float32")
x_train, x_val, x_test, y_train, y_val, y_test = train_val_test_split(
    x, labels, stratify=labels, seed=0
)
print("train", x_train.shape, "validation", x_val.shape, "test", x_test.shape)
assert x_train.shape[1] == 64
"""
    ),
    md("Chapter 8's explorer: each change of schedule or peak rate retrains a small MLP."),
    code(
        """
schedule_explorer = ScheduleExplorer((x_train[:200], y_train[:200], x_val, y_val), epochs=2)
schedule_explorer
""",
        EXPLORER,
    ),
    md("Chapter 10's explorer: which rows each data-parallel worker trains on (no model)."),
    code(
        """
sharding_explorer = ShardingExplorer(workers=2, global_batch=12, steps=4)
sharding_explorer
""",
        EXPLORER,
    ),
    md(
        "A softmax classifier trained for 3 epochs, saved to a temporary folder for Chapter 9's "
        "explorer, which serves it on 127.0.0.1 and asks it over HTTP."
    ),
    code(
        """
classifier = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
classifier.compile("adam", "sparse_categorical_crossentropy")
classifier.fit(x_train[:200], y_train[:200], epochs=3, batch_size=32, verbose=0)
export_dir = Path(tempfile.mkdtemp(prefix="fixture-serve-"))
keras_path = export_dir / "digits.keras"
classifier.save(keras_path)
assert keras_path.is_file()
"""
    ),
    code(
        """
service_explorer = ServiceExplorer(keras_path, x_test[:20])
service_explorer
""",
        EXPLORER,
    ),
    md(
        "The service is stopped and the temporary folder removed; the explorer then reports "
        "the service as not reachable instead of raising."
    ),
    code(
        """
service_explorer.close()
shutil.rmtree(export_dir)
service_explorer.controls["example"].value = 1
assert "not reachable" in service_explorer.error
print("service stopped:", "not reachable" in service_explorer.error)
"""
    ),
]


PART5 = [
    md(
        "# Explorers of Chapters 11-12 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 11 (`DetectionExplorer`, `SegmentationExplorer`) and Chapter 12 "
            "(`SpectrogramExplorer`)",
            how="untrained models on six scenes made from 300 of the offline MNIST digits, and "
            "a pure tone",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
import numpy as np

from dlhelpers.data import load_mnist
from dlhelpers.detection import build_detector
from dlhelpers.explorers import DetectionExplorer, SegmentationExplorer, SpectrogramExplorer
from dlhelpers.scenes import make_scenes
from dlhelpers.segmentation import build_unet
"""
    ),
    md(
        "Six scenes from the first 300 offline digits (their order is the file's; any digits "
        "do for a fixture). Untrained models are enough to show that the controls redraw."
    ),
    code(
        """
images, labels = load_mnist()
scenes = make_scenes(images[:300], labels[:300], 6, seed=0)
print("scenes", scenes.images.shape)
"""
    ),
    code(
        """
detection_explorer = DetectionExplorer(
    build_detector(seed=0), scenes.images, scenes.boxes, scenes.classes
)
detection_explorer
""",
        EXPLORER,
    ),
    code(
        """
class_names = ["background"] + [f"digit {d}" for d in range(10)]
segmentation_explorer = SegmentationExplorer(
    build_unet(seed=0), scenes.images, scenes.masks, class_names
)
segmentation_explorer
""",
        EXPLORER,
    ),
    md("Chapter 12's explorer: a 440 Hz tone, 0.6 s at 8 kHz, through the STFT's settings."),
    code(
        """
tone = np.sin(2 * np.pi * 440 * np.arange(4800) / 8000)
spectrogram_explorer = SpectrogramExplorer(tone, 8000)
spectrogram_explorer
""",
        EXPLORER,
    ),
]


PART6 = [
    md(
        "# Explorers of Chapters 13-14 (browser-test fixture)\n\n"
        + INTRO.format(
            chapters="Chapter 13 (`GenerationExplorer`) and Chapter 14 (`QLearningExplorer`)",
            how="an untrained Transformer language model over the characters of one sentence "
            "and a few hundred Q-learning episodes",
        )
    ),
    md("The seed first (before Keras is imported), then every import."),
    code(SEED_SOURCE),
    code(
        """
from dlhelpers import language_model, text
from dlhelpers.explorers import GenerationExplorer, QLearningExplorer
"""
    ),
    md(
        "Chapter 13's explorer samples from a language model; an untrained one over a tiny "
        "character vocabulary is enough to show that the prompt, temperature and top-k redraw."
    ),
    code(
        """
vocab = text.CharVocabulary("the pass statement does nothing at all")
tiny_lm = language_model.build_transformer_lm(len(vocab), 8, d_model=8, heads=2, ff_dim=16)
generation_explorer = GenerationExplorer(tiny_lm, vocab, prompt="the ", steps=10)
generation_explorer
""",
        EXPLORER,
    ),
    md(
        "Chapter 14's explorer reruns tabular Q-learning on the deterministic FrozenLake for "
        "each setting (fewer episodes and seeds than the chapter's)."
    ),
    code(
        """
q_explorer = QLearningExplorer(episodes=120, seeds=2)
q_explorer
""",
        EXPLORER,
    ),
]


def write(name, cells):
    nb = new_notebook(cells=cells)
    stem = name.removesuffix(".ipynb").replace("explorers_", "")
    for i, cell in enumerate(nb.cells):
        cell.id = f"{stem}-{i:02d}"  # stable ids: the file can be regenerated without churn
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    path = ROOT / "tests" / "fixtures" / name
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print("wrote", path)


PARTS = {"1": PART1, "2": PART2, "3": PART3, "4": PART4, "5": PART5, "6": PART6}
for part in sys.argv[1:] or PARTS:
    write(f"explorers_part{part}.ipynb", PARTS[part])
