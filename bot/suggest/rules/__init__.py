"""Which situations answer a turn, with slot values taken from the order and policy.

One module per intent family (``shipping``, ``refund``, ``product``, ``sales``,
``complaint``, ``change``, ``common``); each has a ``general`` answer and one
function per sub-topic. A rule returns situations in rank order and the engine
turns them into phrases; facts name the order fields and policy rules each value
comes from. Which rule answers which intent and sub-topic is declared in
``bot.dialogue.routes``.
"""

from bot.suggest.rules.common import Rule

__all__ = ["Rule"]
