"""Text shown through anything that renders markdown, shown as it is.

Streamlit has no public escape function. `st.markdown`, `caption`, `info`, `warning`,
`error`, `success`, `toast`, `write`, `title`/`header`/`subheader`, and widget labels and
`help` all read markdown: a user's `![x](https://host/y.png)` would make every browser
showing it fetch that image (tracking, exfiltration), and `[link](...)` would look like the
app's own. Every user-typed value interpolated into such a call goes through `md_escape`
(tests/test_no_html.py checks the code for it).
"""

from __future__ import annotations

# The punctuation markdown reads (links, images, emphasis, code, HTML, headings, lists, tables),
# the dollar sign (Streamlit's LaTeX) and the colon (its :material/icon: and :color[text] directives).
_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~:$")


def md_escape(text: object) -> str:
    """`text` as markdown that shows exactly these characters: no link, image, emphasis, HTML,
    LaTeX or icon directive. Line breaks stay line breaks; a new line cannot start a heading,
    list or quote since their marks are escaped too."""
    out = []
    for ch in str(text).replace("\r\n", "\n").replace("\r", "\n"):
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")
        else:
            out.append(ch)
    return "".join(out)
