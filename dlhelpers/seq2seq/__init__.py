"""Sequence to sequence (Chapter 7), by concept; importing it does not import TensorFlow.

- :mod:`~dlhelpers.seq2seq.data`: written dates, the Zen of Python, characters as ids.
- :mod:`~dlhelpers.seq2seq.models`: the encoder-decoders and the Transformer (Keras).
- :mod:`~dlhelpers.seq2seq.decoding`: teacher-forced and greedy decoding, scores, sampling.

The attention weights of a model are inspection: :mod:`dlhelpers.inspect.attention`.
"""

from dlhelpers.seq2seq import data, decoding, models
from dlhelpers.seq2seq.data import *  # noqa: F403
from dlhelpers.seq2seq.decoding import *  # noqa: F403
from dlhelpers.seq2seq.models import *  # noqa: F403

__all__ = [*data.__all__, *models.__all__, *decoding.__all__]
