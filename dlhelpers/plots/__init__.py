"""Plot helpers. Each returns the matplotlib ``Figure``, accepts ``ax=`` where one
axes is enough, never calls ``plt.show()`` and never changes global rcParams.
"""

from dlhelpers.plots.attention import *  # noqa: F403  (Chapter 7)
from dlhelpers.plots.backprop import *  # noqa: F403  (Chapter 2)
from dlhelpers.plots.cnn import *  # noqa: F403  (Chapter 3)
from dlhelpers.plots.cost import *  # noqa: F403  (Chapter 12)
from dlhelpers.plots.detection import *  # noqa: F403  (Chapter 11)
from dlhelpers.plots.feature_maps import *  # noqa: F403  (Chapter 4)
from dlhelpers.plots.gates import *  # noqa: F403  (Chapter 6)
from dlhelpers.plots.language import *  # noqa: F403  (Chapter 13)
from dlhelpers.plots.rl import *  # noqa: F403  (Chapter 14)
from dlhelpers.plots.rnn import *  # noqa: F403  (Chapter 5)
from dlhelpers.plots.scaleout import *  # noqa: F403  (Chapter 10)
from dlhelpers.plots.sound import *  # noqa: F403  (Chapter 12)
from dlhelpers.plots.tuning import *  # noqa: F403  (Chapter 8)
from dlhelpers.plots.workflow import *  # noqa: F403  (Chapter 1)
