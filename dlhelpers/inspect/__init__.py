"""Looking inside Keras models: feature maps, hidden states, gates, gradients, attention.

All stand on :mod:`dlhelpers.inspect.core` (one way to name a layer, one way to read what
flows through it, public Keras APIs only). TensorFlow is imported inside the functions.
"""

from dlhelpers.inspect.attention import *  # noqa: F403  (Chapter 7)
from dlhelpers.inspect.cnn import *  # noqa: F403  (Chapters 3-4)
from dlhelpers.inspect.gates import *  # noqa: F403  (Chapter 6)
from dlhelpers.inspect.rnn import *  # noqa: F403  (Chapter 5)
from dlhelpers.inspect.saliency import *  # noqa: F403  (Chapter 4)
