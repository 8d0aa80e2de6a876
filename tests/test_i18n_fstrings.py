"""No translation call inside an f-string: extraction would still find the literal, but the
text around it (a separator, a code, another word) would be English in every language, as the
French plan PDF's running header was. Write `_("... {x}").format(x=...)` instead."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATORS = {"_", "N_", "ngettext", "P_", "ptext"}


def sources() -> list[Path]:
    return [p for folder in ("care", "pages", "seeds", "bench") for p in sorted((ROOT / folder).rglob("*.py"))] + [
        ROOT / "Home.py"]


def fstring_translations(text: str, name: str = "<snippet>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                func = inner.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in TRANSLATORS:
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_translation_inside_an_fstring_anywhere():
    offenders = [p for path in sources()
                 for p in fstring_translations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert offenders == []


def test_the_scan_catches_known_bad_code_and_passes_good_code():
    bad = ['pdf = CareDocument(f\'{_("Individual reintegration plan")} · {code}\')',
           'x = f"{i18n._(\'Case\')}: {code}"',
           'st.write(f"{ngettext(\'one\', \'many\', n)} left")',
           'y = f"{a} {P_(\'Consent\')}"']
    for snippet in bad:
        assert fstring_translations(snippet), snippet
    good = ['CareDocument(_("Individual reintegration plan · {code}").format(code=code))',
            'x = f"{code} · {stage}"', 'st.write(_("Case") + ": " + code)']
    for snippet in good:
        assert fstring_translations(snippet) == [], snippet


def test_no_english_is_left_in_the_french_plan_pdf(session):
    """Every staff text whose French differs must be absent from the French plan PDF (its running
    header was English)."""
    import io

    from babel.messages.pofile import read_po
    from pypdf import PdfReader

    from care.i18n import use_language
    from care.pdf.plan import plan_pdf
    from care.plan_views import plan_export
    from tests.factories import make_actor
    from tests.factories_plan import approved_plan, assessed_case, line

    author, approver = make_actor(session, "coordinator"), make_actor(session, "coordinator")
    case = assessed_case(session, author, given="Ana", family="Pop", ret="UA")
    approved_plan(session, author, approver, case, [line("income_generating", "1500", description="Machines")])
    with use_language("fr"):
        pdf = plan_pdf(plan_export(session, author, case_id=case.id))
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"Plan individuel de réinsertion · {case.code}" in text  # the running header, in French
    with (ROOT / "care/locale/fr/LC_MESSAGES/messages.po").open("rb") as fh:
        english = [m.id for m in read_po(fh) if isinstance(m.id, str) and m.string and m.string != m.id
                   and len(m.id.split("{")[0].split()) > 1]
    left = [m for m in english if m.split("{")[0].strip() in text]
    assert left == [], left
