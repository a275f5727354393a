"""ipywidgets explorers. Each is an object holding its ``controls`` (a dict of
widgets), its ``output`` area and its last ``result`` and ``fig``; tests drive it
by setting ``explorer.controls[name].value`` and checking what changed.
"""

from dlhelpers.explorers._base import Explorer as Explorer
from dlhelpers.explorers.attention import *  # noqa: F403  (Chapter 7)
from dlhelpers.explorers.backprop import *  # noqa: F403  (Chapter 2)
from dlhelpers.explorers.cnn import *  # noqa: F403  (Chapter 3)
from dlhelpers.explorers.detection import *  # noqa: F403  (Chapter 11)
from dlhelpers.explorers.feature_maps import *  # noqa: F403  (Chapter 4)
from dlhelpers.explorers.gates import *  # noqa: F403  (Chapter 6)
from dlhelpers.explorers.language import *  # noqa: F403  (Chapter 13)
from dlhelpers.explorers.rl import *  # noqa: F403  (Chapter 14)
from dlhelpers.explorers.rnn import *  # noqa: F403  (Chapter 5)
from dlhelpers.explorers.scaleout import *  # noqa: F403  (Chapter 10)
from dlhelpers.explorers.serving import *  # noqa: F403  (Chapter 9)
from dlhelpers.explorers.sound import *  # noqa: F403  (Chapter 12)
from dlhelpers.explorers.tuning import *  # noqa: F403  (Chapter 8)
from dlhelpers.explorers.workflow import *  # noqa: F403  (Chapter 1)
