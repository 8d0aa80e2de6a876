"""Synthetic identities for the demo: name pools, towns and phone number plans by country.

Names are common given and family names of each country, written in the script the
person would write them in, and combined at random: no entry describes a real person.
Non-Latin entries carry a Latin transliteration, which the demo uses as the alias that a
police report or a ticket would show. Phone numbers follow each country's plan but put
"555" after the operator prefix, so that they look real in a form and reach nobody.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# An entry is a name in Latin script, or a (native script, Latin transliteration) pair.
Entry = str | tuple[str, str]


@dataclass(frozen=True)
class NamePool:
    female: tuple[Entry, ...]
    male: tuple[Entry, ...]
    family: tuple[Entry, ...]
    latin_share: float = 1.0  # how often the name is recorded in Latin script instead


@dataclass(frozen=True)
class PersonName:
    given: str
    family: str
    alias: str


_SPANISH_AMERICA = NamePool(
    female=("Yésica", "Ángela", "Marisol", "Liliana", "Jazmín", "Dayana", "Rosa María", "Inés", "Nayeli"),
    male=("Andrés", "José Luis", "Wílmer", "Efraín", "Óscar"),
    family=("Rodríguez", "Gómez", "Pérez", "Hernández", "Díaz", "Suárez", "Peña", "Mamani", "Quispe", "Muñoz"),
)
_WEST_AFRICA_FR = NamePool(
    female=("Fatou", "Aminata", "Awa", "Mariama", "Kadiatou", "Adjoua", "Aya", "Fanta", "Ramatoulaye"),
    male=("Moussa", "Ibrahima", "Mamadou", "Kouadio", "Sékou"),
    family=("Diop", "Ndiaye", "Fall", "Diallo", "Camara", "Bamba", "Koné", "Traoré", "Kouassi", "Sow", "Bah"),
)
_MAGHREB_FEMALE = (("فاطمة", "Fatima"), ("خديجة", "Khadija"), ("مريم", "Meryem"), ("نادية", "Nadia"),
                   ("سعاد", "Souad"), ("أمينة", "Amina"), ("ليلى", "Leila"), ("حنان", "Hanane"), ("زينب", "Zineb"))
_MAGHREB_MALE = (("محمد", "Mohamed"), ("يوسف", "Youssef"), ("عمر", "Omar"), ("كريم", "Karim"),
                 ("حمزة", "Hamza"), ("أيوب", "Ayoub"))

NAME_POOLS: dict[str, NamePool] = {
    "NG": NamePool(
        female=("Blessing", "Joy", "Precious", "Ifeoma", "Adaeze", "Osarugue", "Efe", "Gift", "Ngozi", "Esohe",
                "Ọlábísí", "Oluwaseun", "Favour"),
        male=("Emeka", "Osagie", "Chukwudi", "Tunde", "Ikenna", "Adébáyọ̀"),
        family=("Okafor", "Osagie", "Eze", "Igbinedion", "Omoregie", "Adeyemi", "Nwosu", "Okonkwo", "Edosomwan",
                "Ogbebor", "Adéwálé", "Ehigiator"),
    ),
    "AL": NamePool(
        female=("Dritë", "Elona", "Xhesika", "Anisa", "Mirela", "Ermira", "Lindita", "Eriola", "Brunilda", "Klodiana"),
        male=("Ardit", "Besnik", "Klajdi", "Erion", "Ilir"),
        family=("Hoxha", "Çela", "Shehu", "Dervishi", "Kola", "Gjoka", "Leka", "Xhafa", "Mëhilli", "Bregu", "Çupi"),
    ),
    "MA": NamePool(
        female=_MAGHREB_FEMALE, male=_MAGHREB_MALE,
        family=(("بنعلي", "Benali"), ("العلوي", "El Alaoui"), ("الإدريسي", "El Idrissi"), ("بنموسى", "Benmoussa"),
                ("التازي", "Tazi"), ("الفاسي", "El Fassi"), ("أمزيان", "Amziane"), ("الصديقي", "Seddiki")),
        latin_share=0.3,
    ),
    "TN": NamePool(
        female=_MAGHREB_FEMALE, male=_MAGHREB_MALE,
        family=(("الطرابلسي", "Trabelsi"), ("بن سالم", "Ben Salem"), ("الغربي", "Gharbi"), ("الجبالي", "Jebali"),
                ("المحجوبي", "Mahjoubi")),
        latin_share=0.3,
    ),
    "DZ": NamePool(
        female=_MAGHREB_FEMALE, male=_MAGHREB_MALE,
        family=(("بوزيد", "Bouzid"), ("حداد", "Haddad"), ("سعيدي", "Saidi"), ("منصوري", "Mansouri"),
                ("بلقاسم", "Belkacem")),
        latin_share=0.3,
    ),
    "UA": NamePool(
        female=(("Олена", "Olena"), ("Наталія", "Nataliia"), ("Оксана", "Oksana"), ("Ірина", "Iryna"),
                ("Юлія", "Yuliia"), ("Тетяна", "Tetiana"), ("Світлана", "Svitlana"), ("Анна", "Anna")),
        male=(("Андрій", "Andrii"), ("Олександр", "Oleksandr"), ("Сергій", "Serhii"), ("Віктор", "Viktor"),
              ("Дмитро", "Dmytro")),
        family=(("Коваленко", "Kovalenko"), ("Шевчук", "Shevchuk"), ("Бондаренко", "Bondarenko"),
                ("Мельник", "Melnyk"), ("Ткаченко", "Tkachenko"), ("Кравченко", "Kravchenko"),
                ("Олійник", "Oliinyk"), ("Лисенко", "Lysenko")),
        latin_share=0.2,
    ),
    "BR": NamePool(
        female=("Ana Paula", "Maria José", "Fernanda", "Luciana", "Conceição", "Jéssica", "Letícia", "Patrícia",
                "Cláudia", "Débora"),
        male=("João", "Luís Antônio", "Marcos", "Thiago", "José Carlos"),
        family=("da Silva", "dos Santos", "Gonçalves", "Araújo", "Nascimento", "Lima", "Ribeiro", "Guimarães",
                "Magalhães", "Simões", "Assunção"),
    ),
    "PY": NamePool(
        female=("María José", "Rocío", "Lourdes", "Liz Mabel", "Ramona", "Nélida", "Gladys", "Mónica", "Fátima"),
        male=("Juan Carlos", "Néstor", "Hugo", "Ramón"),
        family=("Benítez", "Giménez", "Martínez", "Ramírez", "González", "Ortiz", "Báez", "Acuña", "Villalba",
                "Núñez"),
    ),
    "PH": NamePool(
        female=("Maria Cristina", "Jocelyn", "Rowena", "Marivic", "Analyn", "Lorna", "Rosalie", "Niña", "Jennelyn"),
        male=("Joel", "Rodel", "Arnel", "Ronaldo"),
        family=("Dela Cruz", "Santos", "Reyes", "Bautista", "Ocampo", "Mendoza", "Villanueva", "Nuñez", "Cabañero"),
    ),
    "CN": NamePool(
        female=(("丽娜", "Lina"), ("秀英", "Xiuying"), ("静", "Jing"), ("敏", "Min"), ("燕", "Yan"),
                ("晓红", "Xiaohong"), ("美玲", "Meiling"), ("芳", "Fang")),
        male=(("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun")),
        family=(("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
                ("黄", "Huang"), ("林", "Lin"), ("吴", "Wu"), ("郑", "Zheng")),
        latin_share=0.2,
    ),
    "VN": NamePool(
        female=("Thị Hương", "Thị Lan", "Thị Mai", "Ngọc Ánh", "Thu Trang", "Thị Hồng", "Thị Thảo", "Phương Linh"),
        male=("Văn Minh", "Văn Hùng", "Đức Anh", "Quốc Bảo", "Văn Tuấn"),
        family=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ"),
    ),
    "CM": NamePool(
        female=("Aïssatou", "Marie-Claire", "Brigitte", "Estelle", "Nadège", "Bénédicte", "Clarisse", "Solange"),
        male=("Jean-Pierre", "Serge", "Hervé", "Éric"),
        family=("Mbarga", "Ngono", "Essomba", "Atangana", "Fotso", "Tchoupo", "Nkeng", "Mvondo", "Bélinga", "Kamga"),
    ),
    "MD": NamePool(
        female=("Ana", "Maria", "Elena", "Cristina", "Natalia", "Tatiana", "Olga", "Mariana"),
        male=("Ion", "Vasile", "Andrei", "Sergiu"),
        family=("Rusu", "Ceban", "Țurcanu", "Cojocaru", "Munteanu", "Lungu", "Bălan", "Roșca"),
    ),
    "GE": NamePool(
        female=(("ნინო", "Nino"), ("თამარი", "Tamari"), ("მარიამი", "Mariami"), ("ეკატერინე", "Ekaterine"),
                ("ნათია", "Natia")),
        male=(("გიორგი", "Giorgi"), ("დავითი", "Daviti"), ("ლევანი", "Levani")),
        family=(("ბერიძე", "Beridze"), ("კაპანაძე", "Kapanadze"), ("გელაშვილი", "Gelashvili"),
                ("მაისურაძე", "Maisuradze"), ("ლომიძე", "Lomidze")),
        latin_share=0.4,
    ),
    "SN": _WEST_AFRICA_FR,
    "CI": _WEST_AFRICA_FR,
    "GN": _WEST_AFRICA_FR,
    "GH": NamePool(
        female=("Akosua", "Abena", "Ama", "Efua", "Adwoa", "Esi", "Gifty"),
        male=("Kwame", "Kofi", "Yaw"),
        family=("Mensah", "Owusu", "Boateng", "Asante", "Agyeman", "Ofori"),
    ),
    "CO": _SPANISH_AMERICA,
    "DO": _SPANISH_AMERICA,
    "BO": _SPANISH_AMERICA,
    "NP": NamePool(
        female=(("सीता", "Sita"), ("सरिता", "Sarita"), ("माया", "Maya"), ("पूजा", "Puja"), ("अनिता", "Anita"),
                ("कमला", "Kamala")),
        male=(("राम", "Ram"), ("बिकास", "Bikash"), ("सुरेश", "Suresh")),
        family=(("तामाङ", "Tamang"), ("गुरुङ", "Gurung"), ("श्रेष्ठ", "Shrestha"), ("राई", "Rai"),
                ("मगर", "Magar"), ("थापा", "Thapa")),
        latin_share=0.2,
    ),
    "IN": NamePool(
        female=(("प्रिया", "Priya"), ("सुनीता", "Sunita"), ("अंजलि", "Anjali"), ("रेखा", "Rekha")),
        male=(("राजेश", "Rajesh"), ("अमित", "Amit"), ("संजय", "Sanjay")),
        family=(("शर्मा", "Sharma"), ("कुमार", "Kumar"), ("यादव", "Yadav"), ("सिंह", "Singh"), ("वर्मा", "Verma")),
        latin_share=0.3,
    ),
    "TH": NamePool(
        female=(("สมศรี", "Somsri"), ("มาลี", "Malee"), ("นภา", "Napha"), ("พรทิพย์", "Porntip"), ("สุดา", "Suda")),
        male=(("สมชาย", "Somchai"), ("ประเสริฐ", "Prasert")),
        family=(("แสงทอง", "Saengthong"), ("ศรีสุข", "Srisuk"), ("บุญมา", "Boonma"), ("วงศ์ใหญ่", "Wongyai")),
        latin_share=0.3,
    ),
    "MN": NamePool(
        female=(("Оюунчимэг", "Oyuunchimeg"), ("Сарангэрэл", "Sarangerel"), ("Болормаа", "Bolormaa"),
                ("Энхтуяа", "Enkhtuya")),
        male=(("Батбаяр", "Batbayar"), ("Ганбаатар", "Ganbaatar")),
        family=(("Дорж", "Dorj"), ("Ганбат", "Ganbat"), ("Цэрэн", "Tseren"), ("Батсүх", "Batsukh")),
        latin_share=0.3,
    ),
    "KE": NamePool(
        female=("Wanjiru", "Achieng", "Njeri", "Akinyi", "Faith", "Mercy"),
        male=("Otieno", "Kamau", "Kiprono"),
        family=("Mwangi", "Ochieng", "Kariuki", "Wambui", "Njoroge", "Chebet"),
    ),
    "RS": NamePool(
        female=(("Јелена", "Jelena"), ("Милица", "Milica"), ("Ивана", "Ivana"), ("Драгана", "Dragana")),
        male=(("Марко", "Marko"), ("Никола", "Nikola")),
        family=(("Јовановић", "Jovanović"), ("Петровић", "Petrović"), ("Николић", "Nikolić"), ("Илић", "Ilić"),
                ("Марковић", "Marković")),
        latin_share=0.3,
    ),
}

# Plausible towns a person returns to (region of return).
TOWNS: dict[str, tuple[str, ...]] = {
    "NG": ("Benin City", "Lagos", "Ekpoma", "Uromi", "Ibadan", "Enugu"),
    "AL": ("Elbasan", "Fier", "Shkodër", "Durrës", "Berat"),
    "MA": ("Béni Mellal", "Khouribga", "Kénitra", "Meknès", "Oujda"),
    "UA": ("Vinnytsia", "Chernivtsi", "Zhytomyr", "Khmelnytskyi", "Uzhhorod"),
    "BR": ("Goiânia", "Anápolis", "Belém", "Fortaleza", "Recife"),
    "PY": ("Caaguazú", "Coronel Oviedo", "Itauguá", "Villarrica", "Encarnación"),
    "PH": ("Iloilo City", "Cagayan de Oro", "Tarlac City", "Bacolod"),
    "CN": ("Fuqing", "Wenzhou", "Shenyang", "Harbin", "Changle"),
    "VN": ("Nghệ An", "Hà Tĩnh", "Quảng Bình", "Hải Phòng", "Thanh Hóa"),
    "CM": ("Douala", "Bafoussam", "Bamenda", "Ebolowa", "Kribi"),
    "MD": ("Bălți", "Cahul", "Soroca", "Orhei"),
    "GE": ("Kutaisi", "Batumi", "Rustavi", "Zugdidi"),
    "TN": ("Sfax", "Kairouan", "Gabès", "Bizerte"),
    "SN": ("Thiès", "Kaolack", "Ziguinchor", "Saint-Louis"),
    "GH": ("Kumasi", "Takoradi", "Cape Coast", "Tamale"),
    "CO": ("Pereira", "Armenia", "Cali", "Cartago"),
    "DO": ("Santiago de los Caballeros", "San Pedro de Macorís", "La Romana", "Barahona"),
    "NP": ("Sindhupalchok", "Makwanpur", "Nuwakot", "Pokhara"),
    "IN": ("Jalandhar", "Ludhiana", "Kochi", "Patna"),
    "TH": ("Udon Thani", "Khon Kaen", "Chiang Rai", "Nakhon Ratchasima"),
    "MN": ("Darkhan", "Erdenet", "Choibalsan"),
    "KE": ("Kisumu", "Nakuru", "Mombasa", "Eldoret"),
    "BO": ("Cochabamba", "El Alto", "Santa Cruz de la Sierra", "Oruro"),
    "DZ": ("Oran", "Sétif", "Tlemcen", "Annaba"),
    "RS": ("Niš", "Kragujevac", "Novi Pazar", "Subotica"),
    "CI": ("Bouaké", "Daloa", "San-Pédro", "Korhogo"),
    "GN": ("Kankan", "Labé", "Kindia", "Nzérékoré"),
}

# Staff, guardians and officials in host countries: invented combinations of common names.
STAFF_NAMES: dict[str, tuple[str, ...]] = {
    "AT": ("Ursula Weninger", "Florian Haidl", "Birgit Pölzl", "Lukas Hofbauer", "Sabine Gruber-Reiter"),
    "CH": ("Regula Baumann", "Sandrine Favre", "Beat Zürcher", "Corinne Maillard", "Andrea Lüthi"),
    "CY": ("Andri Christodoulou", "Marios Ioannidis", "Elena Charalambous", "Stelios Georgiou"),
    "ES": ("Inmaculada Roldán", "Javier Cortés", "Nuria Sabaté", "Álvaro Méndez", "Rocío Bermejo"),
    "FR": ("Élodie Marchal", "Julien Perrot", "Nathalie Besson", "Karim Aït-Saïd", "Hélène Vasseur"),
    "GB": ("Rebecca Hollins", "Daniel Archer", "Priya Wickham", "Owen Pritchard", "Siobhan Carver"),
    "GR": ("Eleni Papadaki", "Nikos Stavrou", "Katerina Louka", "Giorgos Petridis"),
    "IT": ("Giulia Ferrante", "Paolo Sartori", "Chiara Benvenuti", "Marco Lodigiani", "Silvia Orlandini"),
    "PL": ("Agnieszka Wróbel", "Tomasz Kaczmarek", "Magdalena Sikora", "Paweł Zieliński"),
    "PT": ("Joana Rebelo", "Rui Tavares", "Inês Carvalhal", "Tiago Moreira"),
}

# Calling code, an operator prefix, and the length of the national number.
PHONE_PLANS: dict[str, tuple[str, str, int]] = {
    "NG": ("234", "803", 10), "AL": ("355", "69", 9), "MA": ("212", "6", 9), "UA": ("380", "67", 9),
    "BR": ("55", "119", 11), "PY": ("595", "981", 9), "PH": ("63", "917", 10), "CN": ("86", "138", 11),
    "VN": ("84", "91", 9), "CM": ("237", "67", 9), "MD": ("373", "69", 8), "GE": ("995", "59", 9),
    "TN": ("216", "2", 8), "SN": ("221", "77", 9), "GH": ("233", "24", 9), "CO": ("57", "310", 10),
    "DO": ("1", "809", 10), "NP": ("977", "984", 10), "IN": ("91", "98", 10), "TH": ("66", "8", 9),
    "MN": ("976", "99", 8), "KE": ("254", "7", 9), "BO": ("591", "7", 8), "DZ": ("213", "5", 9),
    "RS": ("381", "6", 9), "CI": ("225", "07", 10), "GN": ("224", "62", 9),
    "AT": ("43", "664", 10), "ES": ("34", "6", 9), "GR": ("30", "69", 10), "IT": ("39", "3", 10),
    "PL": ("48", "5", 9), "PT": ("351", "91", 9), "CY": ("357", "99", 8), "CH": ("41", "7", 9),
}
# Ranges the regulators set aside for fiction: Ofcom's 020 7946 0xxx, ARCEP's 01 99 00 xx xx.
_FICTION_RANGES = {"GB": ("+442079460", 3), "FR": ("+3319900", 4)}


def _native(entry: Entry) -> str:
    return entry[0] if isinstance(entry, tuple) else entry


def _latin(entry: Entry) -> str:
    return entry[1] if isinstance(entry, tuple) else entry


def pick_name(rng: random.Random, country: str, sex: str, *, native_script: bool | None = None) -> PersonName:
    """A random given and family name for a person from `country`.

    `native_script` forces the script; by default the pool's `latin_share` decides. A name
    written in its own script gets its transliteration as alias more often than not, the
    way it appears on tickets and police reports.
    """
    pool = NAME_POOLS[country]
    given = rng.choice(pool.male if sex == "Male" else pool.female)
    family = rng.choice(pool.family)
    if native_script is None:
        native_script = rng.random() >= pool.latin_share
    if not native_script or not isinstance(given, tuple):
        alias = ""
        if rng.random() < 0.1:  # another first name the person went by
            others = [e for e in (pool.male if sex == "Male" else pool.female) if e != given]
            alias = _latin(rng.choice(others))
        return PersonName(_latin(given), _latin(family), alias)
    alias = f"{_latin(given)} {_latin(family)}" if rng.random() < 0.6 else ""
    return PersonName(_native(given), _native(family), alias)


def fake_phone(rng: random.Random, country: str) -> str:
    """An E.164 number that follows the country's plan and reaches nobody."""
    if country in _FICTION_RANGES:
        prefix, digits = _FICTION_RANGES[country]
        return prefix + "".join(rng.choice("0123456789") for _ in range(digits))
    code, operator, length = PHONE_PLANS[country]
    national = operator + "555"
    national += "".join(rng.choice("0123456789") for _ in range(length - len(national)))
    return f"+{code}{national}"
