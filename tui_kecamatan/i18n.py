"""The single function every user-facing string goes through.

The interface is Indonesian, the language of every office that uses it, and there is no other
catalogue: `_` marks the strings (so they can be extracted if a second language is ever needed)
and returns them unchanged. `[ui] lang` accepts only "id".
"""

from __future__ import annotations


def _(text: str) -> str:
    """An interface string, in Indonesian."""
    return text
