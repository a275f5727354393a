"""dlhelpers: the helper package of the deep-learning course.

Importing this package is cheap: it does not import TensorFlow. Modules that
need TensorFlow import it through :func:`dlhelpers.import_tensorflow`, which
silences TensorFlow's C++ start-up log lines first.

Modules, by course topic:

- ``dlhelpers.data``: offline data loaders, cleaning report, 70/15/15 split.
- ``dlhelpers.training``: Keras model builders and ``fit`` with the standard callbacks.
- ``dlhelpers.evaluation``: metrics from scikit-learn, gathered for a model.
- ``dlhelpers.scratch``: NumPy references (backprop, optimizers, conv, RNN cells).
- ``dlhelpers.inspect``: looking inside trained Keras models.
- ``dlhelpers.plots``: plotting helpers that return a matplotlib Figure.
- ``dlhelpers.explorers``: ipywidgets explorers that tests can drive.
- ``dlhelpers.exercises``: self-checking exercises for each chapter.
- ``dlhelpers.serve``: a Flask REST service for a saved model.
"""

from dlhelpers._tf import import_tensorflow, set_seed

__all__ = ["import_tensorflow", "set_seed", "__version__"]
__version__ = "0.1.0"
