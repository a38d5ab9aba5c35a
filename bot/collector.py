"""Short full passes of Python's garbage collector, for a bot that must answer in time.

A full (generation 2) collection walks every object the process tracks and holds the
event loop while it does. After start-up most of them (modules, the classifier, the
message catalogues, Bolt's and discord.py's classes) live as long as the process, yet
every full pass walks them again. Measured (`python -m benchmarks.collector`): some
200,000 objects after start-up; frozen, they are left out of every later pass, which
then walks only what the bot made since. A long pause is no mere slowness here: Slack
takes a click's acknowledgement for 3 seconds, counted from before Bolt's middleware.
"""

from __future__ import annotations

import gc


def freeze_start_up() -> int:
    """Collect what start-up left as garbage, then move every object still alive into
    the collector's permanent generation; how many objects it now holds."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
