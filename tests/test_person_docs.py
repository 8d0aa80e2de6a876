"""The documents for the person: every shipped language, every document, the name in its own
script, known phrases written here by hand, the staff language after each text, Arabic mirrored,
no English left in French, who may print and the audit of each download."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from babel.messages.extract import extract_from_dir
from pypdf import PdfReader
from sqlmodel import select

from care.errors import DomainError, NotPermitted
from care.i18n import use_language
from care.pdf.person import person_document_pdf
from care.persondocs import person_documents_offer
from care.persontext import PERSON_LANGUAGES, MissingTranslation, person_catalog
from care.schedule import followups_schedule
from db.models import AuditEvent, PartnerOrganisation, PartnerReferral
from tests.factories import make_actor
from tests.factories_journey import approved_case
from tests.test_person_text import ROOT

NAMES = {
    "en": ("Grace", "Okafor"), "fr": ("Amélie", "Durand"), "es": ("María José", "Núñez"),
    "pt": ("João", "Gonçalves"), "ru": ("Ольга", "Иванова"), "uk": ("Оксана", "Ґонтар"),
    "ar": ("فاطمة", "الزهراء"), "ro": ("Ștefania", "Țurcanu"), "sq": ("Drita", "Çela"),
    "ka": ("ნინო", "ბერიძე"), "zh": ("秀英", "王"), "vi": ("Nguyễn Thị", "Hương"),
}
# The title of each document and one more phrase, as a reader of the language would look for them.
PHRASES = {
    "en": ("Informed consent", "Information sheet", "My reintegration plan", "My follow-up calendar", "Your rights"),
    "fr": ("Consentement éclairé", "Fiche d'information", "Mon plan de réinsertion", "Mon calendrier de suivi",
           "Vos droits"),
    "es": ("Consentimiento informado", "Hoja informativa", "Mi plan de reintegración", "Mi calendario de seguimiento",
           "Sus derechos"),
    "pt": ("Consentimento informado", "Folheto informativo", "O meu plano de reintegração",
           "O meu calendário de acompanhamento", "Os seus direitos"),
    "ru": ("Информированное согласие", "Информационный листок", "Мой план реинтеграции",
           "Мой календарь сопровождения", "Ваши права"),
    "uk": ("Інформована згода", "Інформаційний листок", "Мій план реінтеграції", "Мій календар супроводу",
           "Ваші права"),
    "ar": ("الموافقة المستنيرة", "ورقة معلومات", "خطة إعادة الإدماج الخاصة بي", "تقويم المتابعة الخاص بي", "حقوقك"),
    "ro": ("Consimțământ informat", "Fișă de informare", "Planul meu de reintegrare", "Calendarul meu de monitorizare",
           "Drepturile dumneavoastră"),
    "sq": ("Pëlqim i informuar", "Fletë informative", "Plani im i riintegrimit", "Kalendari im i ndjekjes",
           "Të drejtat tuaja"),
    "ka": ("ინფორმირებული თანხმობა", "საინფორმაციო ფურცელი", "ჩემი რეინტეგრაციის გეგმა",
           "ჩემი მონიტორინგის კალენდარი", "თქვენი უფლებები"),
    "zh": ("知情同意书", "信息单", "我的重新融入计划", "我的跟进日程", "您的权利"),
    "vi": ("Sự đồng ý có hiểu biết", "Tờ thông tin", "Kế hoạch tái hòa nhập của tôi", "Lịch theo dõi của tôi",
           "Quyền của bạn"),
}
DOCS = ("consent", "information", "plan", "calendar")


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = unicodedata.normalize("NFC", text.replace("\u200e", ""))
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text)  # Babel's dates hold no-break spaces


def _case(session, coord, lang: str, **fields):
    given, family = NAMES[lang]
    return approved_case(session, coord, given=given, family=family, ret="MA",
                         languages=[lang, "en"], preferred_languages=[lang], **fields)


def test_every_language_has_all_four_documents_with_the_name_and_its_phrases(session):
    coord = make_actor(session, "coordinator")
    assert set(PERSON_LANGUAGES) == set(NAMES) == set(PHRASES)
    for lang in PERSON_LANGUAGES:
        case = _case(session, coord, lang)
        given, family = NAMES[lang]
        texts = {}
        for doc in DOCS:
            with use_language("en"):
                texts[doc] = pdf_text(person_document_pdf(session, coord, case.id, doc))
            assert given in texts[doc] and family in texts[doc], (lang, doc)
            assert case.code in texts[doc], (lang, doc)
        consent, information, plan, calendar, rights = PHRASES[lang]
        assert consent in texts["consent"], lang
        assert information in texts["information"] and rights in texts["information"], lang
        assert plan in texts["plan"], lang
        assert calendar in texts["calendar"], lang
        if lang != "en":  # the staff's English after the person's text, and the review warning
            assert "Information sheet" in texts["information"] and "Your rights" in texts["information"], lang
            # In the same cell as the person's text: a heading, a label, a box caption, a table row.
            assert "Follow-up" in texts["calendar"] and "1 month after your return" in texts["calendar"], lang
            assert "Return country" in texts["information"], lang
            assert "Signature of the person" in texts["consent"], lang
            assert "Translation not yet reviewed by a native speaker" in texts["information"], lang
        else:
            assert "not yet reviewed" not in texts["information"]


def test_the_staff_language_follows_in_french_and_the_warning_is_french(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "ru")
    with use_language("fr"):
        text = pdf_text(person_document_pdf(session, coord, case.id, "information"))
    assert "Информационный листок" in text and "Fiche d'information" in text
    assert "Traduction pas encore relue par une personne de langue maternelle" in text
    assert "Information sheet" not in text


def test_a_french_document_for_a_french_speaker_has_no_english_left(session):
    """Every English text of the person domain that differs in French must be absent."""
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "fr")
    french = person_catalog("fr")
    english = [m for m, fr in french.messages.items() if m != fr and len(m.split()) > 1]
    for doc in DOCS:
        with use_language("fr"):
            text = pdf_text(person_document_pdf(session, coord, case.id, doc))
        left = [m for m in english if m.split("{")[0].strip() and m.split("{")[0].strip() in text]
        assert left == [], (doc, left)


def test_the_calendar_shows_the_planned_dates_in_the_persons_language(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "ru")
    case.arrival_date = date(2014, 6, 1)
    followups_schedule(session, case, date(2014, 6, 1))
    with use_language("en"):
        data = person_document_pdf(session, coord, case.id, "calendar")
    text = pdf_text(data)
    assert "1 июля 2014 г." in text  # one month after arrival, as Russian writes it
    assert "1 месяц после вашего возвращения" in text and "1 month after your return" in text
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # a card: one small page
    assert PdfReader(io.BytesIO(data)).pages[0].mediabox.width < 300  # A6, in points


def test_before_arrival_the_calendar_says_the_dates_come_at_arrival(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "es")
    with use_language("en"):
        text = pdf_text(person_document_pdf(session, coord, case.id, "calendar"))
    assert "Las fechas se fijan el día de su llegada." in text
    assert "The dates are set on the day you arrive." in text


def test_contacts_are_the_partners_of_sent_and_accepted_referrals_only(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "fr")
    for name, state in (("Association Amal", "accepted"), ("Maison Nour", "sent"), ("Draft Org", "draft"),
                        ("Declined Org", "declined"), ("Revoked Org", "revoked")):
        partner = PartnerOrganisation(name=name, country="MA", kind="ngo", contact=f"{name} contact +212 500",
                                      languages=["ar", "fr"])
        session.add(partner)
        session.flush()
        session.add(PartnerReferral(case_id=case.id, partner_id=partner.id, state=state))
    session.flush()
    with use_language("en"):
        text = pdf_text(person_document_pdf(session, coord, case.id, "information"))
    assert "Association Amal" in text and "Association Amal contact +212 500" in text and "Maison Nour" in text
    assert "Draft Org" not in text and "Declined Org" not in text and "Revoked Org" not in text
    assert "Ces organisations vous accueillent (Maroc) :" in text
    assert "These organisations receive you in Morocco:" in text


def test_without_a_referral_the_return_country_focal_point_is_named(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "pt")
    with use_language("fr"):
        text = pdf_text(person_document_pdf(session, coord, case.id, "information"))
    assert "O ponto focal do programa em Marrocos vai contactá-lo depois da sua chegada." in text
    assert "Le point focal du programme (Maroc) vous contactera après votre arrivée." in text


def test_the_documents_language_is_the_first_preferred_with_a_catalog(session):
    coord = make_actor(session, "coordinator")
    case = approved_case(session, coord, ret="NG", languages=["yo", "ar"], preferred_languages=["yo", "ar"])
    assert person_documents_offer(session, coord, case.id).language == "ar"
    none = approved_case(session, coord, ret="NG", languages=["yo"], preferred_languages=["yo"])
    none.consent_language = "yo"  # Yoruba: no person-facing catalog yet
    assert person_documents_offer(session, coord, none.id).language is None
    with pytest.raises(DomainError):
        person_document_pdf(session, coord, none.id, "consent")
    assert b"%PDF" in person_document_pdf(session, coord, none.id, "consent", language="fr")[:8]


def test_host_side_prints_return_side_focal_point_and_manager_do_not(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "ro")
    host_fp = make_actor(session, "focal_point", countries=("FR",))
    return_fp = make_actor(session, "focal_point", countries=("MA",))
    assert person_documents_offer(session, host_fp, case.id).may_print
    assert person_document_pdf(session, host_fp, case.id, "consent")[:4] == b"%PDF"
    assert not person_documents_offer(session, return_fp, case.id).may_print
    with pytest.raises(NotPermitted):
        person_document_pdf(session, return_fp, case.id, "information")
    with pytest.raises(NotPermitted):
        person_document_pdf(session, make_actor(session, "manager"), case.id, "information")


def test_each_download_is_audited_with_its_language(session):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, "ka")
    with use_language("fr"):
        person_document_pdf(session, coord, case.id, "plan")
        person_document_pdf(session, coord, case.id, "calendar", language="ru")
    events = session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                   AuditEvent.action.like("export.person_%"))
                          .order_by(AuditEvent.id)).all()
    details = [json.loads(e.detail) for e in events]
    assert [(e.action, d["language"], d["staff_language"]) for e, d in zip(events, details)] == [
        ("export.person_plan", "ka", "fr"), ("export.person_calendar", "ru", "fr")]
    assert all(NAMES["ka"][0] not in str(e.detail) for e in events)


# --- Arabic: the page is mirrored ----------------------------------------------------------------


def _words(data: bytes, tmp_path) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of page 1, from pdftotext's bounding boxes."""
    (tmp_path / "doc.pdf").write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(tmp_path / "doc.pdf"), "-"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return [(float(a), float(b), float(y), html.unescape(w).replace("\u200e", "")) for a, y, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


def _at(words, word: str):
    found = [w for w in words if w[3] == word]
    assert found, word
    return found[0]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("lang", ["ar", "es"])
def test_arabic_is_laid_out_right_to_left_as_a_whole(session, tmp_path, lang):
    coord = make_actor(session, "coordinator")
    case = _case(session, coord, lang)
    with use_language("fr"):
        words = _words(person_document_pdf(session, coord, case.id, "information"), tmp_path)
    rtl = lang == "ar"
    page_width = 595.28
    # Labels stand on the reader's side: the label "Code du dossier" right of the code in Arabic.
    label, value = _at(words, "dossier"), _at(words, case.code)
    assert (label[0] > value[1]) == rtl
    # Table columns run from the right: "Suivi" (follow-up) right of "Date" in Arabic.
    assert (_at(words, "Suivi")[0] > _at(words, "Date")[0]) == rtl
    # Text is aligned to the reader's side: the staff heading ends at the right margin in Arabic.
    heading = _at(words, "l'arrivée") if rtl else _at(words, "À")
    assert (heading[1] > page_width - 60) if rtl else (heading[0] < 60)
    # Numbering: "1." opens the Arabic line on the right, the rest of the line to its left.
    if rtl:
        numbered = [w for w in words if w[3] in ("1.", ".1")]
        line = [w for w in words if abs(w[2] - numbered[0][2]) < 1 and w is not numbered[0]]
        assert line and all(numbered[0][0] >= w[1] - 0.5 for w in line)


# --- glyphs drawn, not empty boxes ------------------------------------------------------------------

SCRIPTS = {
    "latin-vietnamese": "ệẫữỡ", "cyrillic": "ЖЩЇҐ", "arabic": "ش ع ق ض", "georgian": "ნინო ბერ",
    "chinese": "王秀英信", "albanian-romanian": "ëçșț",
}


def _render(tmp_path, name: str, text: str) -> bytes:
    from care.pdf.base import BODY, CareDocument

    doc = CareDocument("glyphs")
    doc.set_font(BODY, "", 40)
    doc.cell(0, 20, text)
    (tmp_path / f"{name}.pdf").write_bytes(doc.output_bytes())
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=60)
    return next(tmp_path.glob(f"{name}*.pgm")).read_bytes()


def _ink(pgm: bytes) -> list[int]:
    header_end = pgm.index(b"255\n") + 4
    return [i for i, value in enumerate(pgm[header_end:]) if value < 128]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("script", list(SCRIPTS))
def test_each_script_is_drawn_with_real_glyphs_not_empty_boxes(tmp_path, script):
    text = SCRIPTS[script]
    # U+0530 is unassigned: every font draws its "missing glyph" box (.notdef) for it.
    boxes = _ink(_render(tmp_path, "boxes", "\u0530" * len(text.replace(" ", ""))))
    box = set(_ink(_render(tmp_path, "box", "\u0530")))
    assert boxes and box, "the reference render of empty boxes drew nothing"
    drawn = _ink(_render(tmp_path, "drawn", text))
    assert drawn and drawn != boxes, f"{script} is drawn as empty boxes"
    # Each letter has a shape of its own, none of them the empty box.
    letters = [set(_ink(_render(tmp_path, f"c{i}", ch))) for i, ch in enumerate(text.replace(" ", "")[:2])]
    assert letters[0] != letters[1] and box not in letters, script


def test_a_missing_translation_is_an_error_not_english():
    with pytest.raises(MissingTranslation):
        person_catalog("ka").text("A text nobody translated")
    assert person_catalog("en").text("A text nobody translated") == "A text nobody translated"


def test_the_person_texts_are_extracted_from_the_code_only_with_p_():
    found = {m for _f, _l, m, _c, _x in extract_from_dir(ROOT / "care", method_map=[("**.py", "python")],
                                                         keywords={"P_": None})}
    assert "Informed consent" in found and "Your rights" in found
