"""LaTeX to MathML, done on the server so the page needs no math library.

Section fragments (``static/sections/<id>.html``) write formulas as LaTeX inside
``<span class="tex">...</span>`` (inline) or ``<div class="tex">...</div>`` (display).
:func:`render_fragment` replaces each with the MathML that ``latex2mathml`` produces, which
Chromium renders natively. Inside the LaTeX, write ``&lt;``, ``&gt;`` and ``&amp;`` for
``<``, ``>`` and ``&`` (the fragment is HTML); they are unescaped before conversion.
Scripts that need a formula at run time call ``GET /api/meta/tex?latex=...``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

__all__ = ["render_fragment", "tex_to_mathml"]

_TEX = re.compile(r'<(span|div) class="tex">(.*?)</\1>', re.DOTALL)


@lru_cache(maxsize=1024)
def tex_to_mathml(latex: str, display: bool = False) -> str:
    """MathML markup for one LaTeX formula.

    Parameters
    ----------
    latex : str
        The formula (no surrounding ``$``).
    display : bool, default False
        Block (display) layout instead of inline.

    Returns
    -------
    str
        A ``<math>`` element; it carries ``aria-label`` with the LaTeX source so that screen
        readers without MathML support still read something meaningful.

    Raises
    ------
    ValueError
        The LaTeX could not be converted.
    """
    from latex2mathml.converter import convert

    try:
        markup = convert(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises a variety of its own errors
        raise ValueError(f"`latex` could not be converted to MathML: {exc}; got {latex!r}.") from exc
    label = html.escape(latex, quote=True)
    return markup.replace("<math ", f'<math aria-label="{label}" ', 1)


def render_fragment(fragment: str) -> str:
    """Replace every ``class="tex"`` span/div of an HTML fragment with MathML."""

    def _sub(match: re.Match[str]) -> str:
        tag, body = match.group(1), html.unescape(match.group(2).strip())
        math = tex_to_mathml(body, display=tag == "div")
        return f'<{tag} class="math">{math}</{tag}>'

    return _TEX.sub(_sub, fragment)
