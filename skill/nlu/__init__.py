"""Speech understanding: the intent grammar, text normalisation and the multi-segment recogniser.

Kept import-light on purpose: `skill.nlu.contract` is used by the Hermes shell, which must not
load rhasspy-nlu, networkx or numpy. Import the recogniser from `skill.nlu.recognizer`.
"""
