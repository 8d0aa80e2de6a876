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
