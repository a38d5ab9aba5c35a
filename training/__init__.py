"""Building, measuring and shipping the trained message classifier.

Not installed with the bot: run from a checkout (`make train`, `make eval`). The
module that ships with the bot is `rules.classifier.trained`.
"""
