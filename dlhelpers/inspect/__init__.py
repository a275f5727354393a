"""Looking inside Keras models: feature maps, hidden states, gates, gradients.

TensorFlow is imported inside the functions that need it, not at import time.
"""

from dlhelpers.inspect.cnn import *  # noqa: F403  (Chapters 3-4)
from dlhelpers.inspect.gates import *  # noqa: F403  (Chapter 6)
from dlhelpers.inspect.rnn import *  # noqa: F403  (Chapter 5)
