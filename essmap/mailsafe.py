"""A stranger's text as it may appear in an e-mail: one line, cut short, nothing clickable.

The public forms let anyone type text that is then mailed, sometimes to an address nobody
has confirmed. So that a form cannot be used to mail someone a message (or a link) of the
sender's choosing, such text reaches a mail only through `defang()`:

- control and invisible characters (CR/LF, NUL, bidi overrides, zero-width) become spaces,
  and runs of spaces one space: one line, which cannot break a header or fake a paragraph;
- it is cut to `limit` characters (with "…");
- what a mail client would turn into a link is defused: `://` → `[:]//`, `@` → `[at]`,
  a dot between word characters → `[.]` (no URL, bare domain or address stays whole);
- `<` and `>` become `‹` `›` (no markup in a text part, nor in an HTML one).
"""

import re

_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_LINK_DOT = re.compile(r"(?<=[\w-])[.\u3002\uff0e\uff61](?=[\w-])")


def defang(text: str, *, limit: int) -> str:
    """`text` as a stranger's words may reach an e-mail (see the module's docstring)."""
    text = " ".join(_INVISIBLE.sub(" ", str(text)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = text.replace("://", "[:]//").replace("@", "[at]")
    text = text.replace("<", "‹").replace(">", "›")
    return _LINK_DOT.sub("[.]", text)
