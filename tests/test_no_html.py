"""No user content is ever rendered as HTML: the code never asks Streamlit to.

Streamlit escapes HTML in markdown unless told otherwise (`unsafe_allow_html`) and only
`st.html` / `components.html` render raw HTML; none of them may appear. Markdown itself
still reads `[link](...)` and `![image](...)`, so an f-string given to `markdown` may
only interpolate escaped text (`md_escape`), vocabulary labels (`label`, `row.label`)
or the icons the code builds.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML_CALLS = {"html", "iframe"}  # st.html, components.html, components.iframe
# The one exception: st.html of the app's static style sheet, a file in the repository (care/ui/phone.css)
# named by a module constant; no user text can reach it.
STATIC_HTML_ARGS = {"PHONE_CSS"}
SAFE_IN_MARKDOWN = {"icon", "mark", "MARKS[_mark(row)]", "row.label"}  # icons; ChecklistRow.label is vocabulary
SAFE_CALLS = ("md_escape(", "label(", "_(")


def sources() -> list[Path]:
    return [ROOT / "Home.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "care").rglob("*.py"))]


def problems_in(text: str, name: str = "<snippet>") -> list[str]:
    found = []
    if "unsafe_allow_html" in text:
        found.append(f"{name}: unsafe_allow_html")
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        static = [ast.unparse(a) for a in node.args] in ([n] for n in STATIC_HTML_ARGS) and not node.keywords
        if attr in HTML_CALLS and not static:
            found.append(f"{name}:{node.lineno}: {ast.unparse(func)}")
        if attr == "markdown" and node.args and isinstance(node.args[0], ast.JoinedStr):
            for part in node.args[0].values:
                if isinstance(part, ast.FormattedValue):
                    expr = ast.unparse(part.value)
                    if expr not in SAFE_IN_MARKDOWN and not expr.startswith(SAFE_CALLS):
                        found.append(f"{name}:{node.lineno}: markdown of {{{expr}}}")
    return found


def test_no_page_or_module_renders_html_or_unescaped_markdown():
    offenders = [p for path in sources()
                 for p in problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert offenders == []


def test_the_scan_catches_each_way_of_rendering_html():
    for snippet in ('st.markdown(x, unsafe_allow_html=True)', 'st.markdown(x, unsafe_allow_html=False)',
                    'st.html(note)', 'components.html(note)', 'st.markdown(f"**{case.closing_note}**")',
                    'col.markdown(f"{icon} {row.note}")', 'st.html(PHONE_CSS + note)', 'st.html(CSS)',
                    'st.html(PHONE_CSS, unsafe_allow_javascript=True)'):
        assert problems_in(snippet), snippet
    for snippet in ('st.markdown(f"{mark} {md_escape(c.text)}")', 'st.markdown("**" + _("Lines") + "**")',
                    'st.markdown(f"{icon} {label(MINOR_ACTORS, row.actor)}")', 'st.html(PHONE_CSS)'):
        assert problems_in(snippet) == [], snippet
