"""From-scratch NumPy references, in Keras conventions, each checked against TensorFlow.

Layouts follow Keras so Keras weights drop straight in: images channels-last
``(N, H, W, C)``, conv kernels ``(kh, kw, C_in, C_out)``, sequences
``(N, T, features)``, recurrent weights ``kernel``/``recurrent_kernel``/``bias``
with Keras' gate order. NumPy only: importing this never imports TensorFlow.
"""

from dlhelpers.scratch.attention import *  # noqa: F403  (Chapter 7)
from dlhelpers.scratch.backprop import *  # noqa: F403  (Chapter 2)
from dlhelpers.scratch.conv import *  # noqa: F403  (Chapter 3)
from dlhelpers.scratch.gated import *  # noqa: F403  (Chapter 6)
from dlhelpers.scratch.optimizers import *  # noqa: F403  (Chapter 2)
from dlhelpers.scratch.recurrent import *  # noqa: F403  (Chapter 5)
