"""No user content is ever rendered as HTML, nor read as markdown: the code never asks Streamlit to.

Streamlit escapes HTML in markdown unless told otherwise (`unsafe_allow_html`) and only
`st.html` / `components.html` render raw HTML; none of them may appear. Markdown itself
still reads `[link](...)` and `![image](...)` (a browser fetches the image: tracking,
exfiltration), and every call below reads markdown: the text of `markdown`, `caption`,
`info`, `warning`, `error`, `success`, `toast`, `write`, `title`, `header`, `subheader`,
every widget's label, and any `help=`. So text built for them with an f-string, `.format()`
or `+` may only put in escaped text (`md_escape`), translated text (`_`), vocabulary
labels, formatted numbers and dates (`fmt_*`), country and language names, or the icons
and marks the code builds.
"""

import ast
import re

import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML_CALLS = {"html", "iframe"}  # st.html, components.html, components.iframe
MARKDOWN_CALLS = {"markdown", "caption", "info", "warning", "error", "success", "toast", "write", "title",
                  "header", "subheader", "exception"}
LABELLED = {"text_input", "text_area", "number_input", "date_input", "time_input", "selectbox", "multiselect",
            "radio", "checkbox", "toggle", "slider", "select_slider", "button", "download_button",
            "form_submit_button", "link_button", "page_link", "expander", "popover", "metric", "file_uploader",
            "color_picker", "pills", "segmented_control", "feedback", "tabs", "status"}
# Expressions known to hold no user text: icons and marks the code builds, counts, vocabulary
# labels, codes the code makes or checks against a pattern (case and programme codes, ISO
# currencies), and lists built only from vocabulary (what is missing before a departure).
SAFE_EXPRESSIONS = {
    "icon", "mark", "MARKS[_mark(row)]", "row.label", "form.label", "latest.status_label", "opened[1]",
    "problem",  # care/text.py's message about a text, never the text
    "doing",  # care/referrals.py: what the code was asked to do, in words the code chose
    "', '.join((str(m) for m in sorted(months)))",
    "n", "i", "low", "high", "limit", "left", "shown", "total", "page", "pages", "count", "len(rows)",
    "settings().idle_minutes", "work.journeys_total", "data.target_people",
    "f.age_at_referral if f.age_at_referral is not None else '—'",
    "f.age_today if f.age_today is not None else '—'",
    "[_('Summary'), _('Identity'), _('Timeline'), _('Correct the data'), _('Documents for the person'), _('Case documents')]",
    "[_(\"The person's rights\")] if cf.may_decide else []", "[_('Decisions')] if decide else []",
    "', '.join((language_name(code) for code in PERSON_LANGUAGES))",
    "' · ' + _('current') if v.is_current else ''",
    "'\\n'.join((f'- {m}' for m in view.departure_missing))",
    "'; '.join(view.minors_missing) if view.minors_missing else _('yes')",
    "'\\n'.join((f'- {m}' for m in view.follow_up_missing))",
    "'\\n'.join((f'- {m[:1].upper()}{m[1:]}' for m in f.departure_missing))",
    "', '.join((label(CLOSING_REASONS, r) for r in view.closable))",
    "', '.join((n.label for n in overview.needs))",
    "', '.join((country_name(c) for c in in_eu))",
    "'; '.join(missing)", "'; '.join(failing)", "' '.join(problems)",
    # care.days.check_day: the field's label and the bounds' names are translated text of the code
    "field_label", "after_what", "before_what",
}
SAFE_ATTRIBUTES = re.compile(r"^[\w.]+\.(revision_no|version_no|code|case_code|programme_code|currency|year)$")
SAFE_CALLS = ("md_escape(", "label(", "_(", "fmt_", "local_time(", "country_name(", "language_name(", "len(", "str(len(",
              "stage_label(", "state_label(", "status_label(", "level_label(", "subcategory_label(", "a.level_label(", "status(")
# The one exception to "no HTML": st.html of the app's static style sheet, a file in the repository
# (care/ui/phone.css) named by a module constant; no user text can reach it.
STATIC_HTML_ARGS = {"PHONE_CSS"}


def sources() -> list[Path]:
    return [ROOT / "Home.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "care").rglob("*.py"))]


def _unsafe(expr: ast.expr) -> list[str]:
    """The parts of a text built by f-string, .format() or + that may carry user text unescaped."""
    if isinstance(expr, ast.JoinedStr):
        return [p for v in expr.values if isinstance(v, ast.FormattedValue) for p in _value(v.value)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return [p for side in (expr.left, expr.right) for p in _operand(side)]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        parts = [*expr.args, *(k.value for k in expr.keywords)]
        return [*_unsafe(expr.func.value), *(p for a in parts for p in _value(a))]
    return []


def _operand(expr: ast.expr) -> list[str]:
    if isinstance(expr, ast.Constant):
        return []
    if isinstance(expr, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format"):
        return _unsafe(expr)
    return _value(expr)


def _value(expr: ast.expr) -> list[str]:
    if isinstance(expr, ast.Constant):
        return []
    text = ast.unparse(expr)
    if text in SAFE_EXPRESSIONS or text.startswith(SAFE_CALLS) or text.isupper() or SAFE_ATTRIBUTES.match(text):
        return []  # UPPER_CASE: a constant of the code
    if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
        return _unsafe(expr)
    return [text]


# The domain's messages reach the pages through `st.error` and friends (care/ui/messages.py).
MESSAGE_CALLS = {"DomainError": 0, "NotPermitted": 0, "add": 1}  # problems.add(field, message)


def _texts(node: ast.Call, attr: str, renders: bool) -> list[ast.expr]:
    """The arguments of this call that Streamlit reads as markdown (`renders`: the module uses
    streamlit, so `write` or `error` there is Streamlit's, not a file's or a logger's)."""
    texts = []
    if attr in MESSAGE_CALLS and len(node.args) > MESSAGE_CALLS[attr]:
        texts.append(node.args[MESSAGE_CALLS[attr]])
    if not renders:
        return texts
    texts += [k.value for k in node.keywords if k.arg == "help"]
    if attr in MARKDOWN_CALLS:
        texts += node.args if attr == "write" else node.args[:1]
        texts += [k.value for k in node.keywords if k.arg in ("body", "label")]
    elif attr in LABELLED:
        texts += node.args[:1] + [k.value for k in node.keywords if k.arg == "label"]
    return texts


def problems_in(text: str, name: str = "<snippet>") -> list[str]:
    found = []
    renders = name == "<snippet>" or "import streamlit" in text
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
        for arg in _texts(node, attr, renders):
            for part in _unsafe(arg):
                found.append(f"{name}:{node.lineno}: {attr} of {{{part}}}")
    return found


def test_no_page_or_module_renders_html_or_unescaped_markdown():
    offenders = [p for path in sources()
                 for p in problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert offenders == []


# Known-bad code, each as it was (or could be) written: the scan must catch every one.
BAD = [
    'st.markdown(x, unsafe_allow_html=True)', 'st.markdown(x, unsafe_allow_html=False)',
    'st.html(note)', 'components.html(note)', 'st.markdown(f"**{case.closing_note}**")',
    'col.markdown(f"{icon} {row.note}")',
    # the sidebar's "Signed in as" (before the fix)
    'st.sidebar.caption(_("Signed in as {name}").format(name=actor.name))',
    # the assessment page's notes and the programme settings' messages echoing typed values
    'st.caption(_("Mitigation: {text}").format(text=m.text))',
    'st.error(_("Unknown programme: {codes}").format(codes=", ".join(unknown)))',
    'st.warning("Saved by " + user.name)',
    'st.info(_("Note") + ": " + note)',
    'st.toast(f"{person} saved")',
    'st.success(_("Hello {x}").format(x=who))',
    'st.text_input(f"Name of {guardian}")',
    'st.checkbox(label=f"{item.note}")',
    'st.button("Open", help=f"{case.note}")',
    'st.expander(_("Plan of {name}").format(name=name))',
    'st.subheader(f"{programme.name}")',
    'st.write("Note:", f"{row.note}")',
    'st.title(title + " " + case.note)',
]
GOOD = [
    'st.markdown(f"{mark} {md_escape(c.text)}")', 'st.markdown("**" + _("Lines") + "**")',
    'st.markdown(f"{icon} {label(MINOR_ACTORS, row.actor)}")',
    'st.sidebar.caption(_("Signed in as {name}").format(name=md_escape(actor.name)))',
    'st.caption(_("{n} cases").format(n=fmt_number(len(rows))))',
    'st.error(_("Unknown programme: {codes}").format(codes=md_escape(", ".join(unknown))))',
    'st.text_input(_("Name"), help=_("As in the passport"))',
    'st.dataframe(rows)', 'st.code(secret)', 'st.text(f"{anything}")',
]


@pytest.mark.parametrize("snippet", BAD)
def test_the_scan_catches_each_way_of_rendering_user_text(snippet):
    assert problems_in(snippet), snippet


@pytest.mark.parametrize("snippet", GOOD)
def test_the_scan_lets_escaped_and_translated_text_through(snippet):
    assert problems_in(snippet) == [], snippet
# The one exception to "no HTML": st.html of the app's static style sheet, a file in the repository
# (care/ui/phone.css) named by a module constant; no user text can reach it.
STATIC_HTML_ARGS = {"PHONE_CSS"}
