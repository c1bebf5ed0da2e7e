"""Moroccan names and places in Latin and Arabic script, for synthetic PVs (``shahada.issuer.pv.synthetic``).

Small hand-made lists, chosen for the hard cases a PV holds: apostrophes (Aït Ba'ha), hyphens
(Fatima-Zahra), particles (Ben, El, Ould, Aït, Moulay, Lalla), several given names, accents and
diaeresis (Chaïmae, Saâd), and Arabic with harakat (مُحَمَّد). Pairs are (Latin, Arabic). The names are
common ones; no row built from them describes a real person.
"""

from __future__ import annotations

from typing import Final

type Pair = tuple[str, str]

FAMILY_NAMES: Final[tuple[Pair, ...]] = (
    ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("El Idrissi", "الإدريسي"),
    ("Aït Ba'ha", "آيت باها"), ("Ben Abdellah", "بن عبد الله"), ("Ould Sidi Mohamed", "ولد سيدي محمد"),
    ("Benjelloun", "بنجلون"), ("El Fassi", "الفاسي"), ("Tazi", "التازي"), ("Chraïbi", "الشرايبي"),
    ("Lahlou", "لحلو"), ("Berrada", "برادة"), ("Ouazzani-Touhami", "الوزاني التهامي"),
    ("Aït Lahcen", "آيت لحسن"), ("Aït Oumghar", "آيت أومغار"), ("Ou-Hammou", "أوحمو"),
    ("Ould Ahmed Salem", "ولد أحمد سالم"), ("Sa'idi", "السعيدي"), ("Zerhouni", "الزرهوني"),
    ("Amrani", "العمراني"), ("Ouchen", "أوشن"), ("Boutaleb", "بوطالب"), ("El Ghazouani", "الغزواني"),
    ("Benkirane", "بنكيران"), ("Kettani", "الكتاني"), ("Raïssouni", "الريسوني"), ("Belhaj", "بلحاج"),
    ("El Mansouri", "المنصوري"), ("Ben Brahim", "بن ابراهيم"), ("Aït El Caïd", "آيت القايد"),
    ("Ma'roufi", "المعروفي"), ("Lamrani-Khalil", "العمراني خليل"), ("Naciri", "الناصري"),
)  # fmt: skip
# Hassani family names, more frequent in the southern academies (see SOUTHERN_ACADEMIES).
SOUTHERN_FAMILY_NAMES: Final[tuple[Pair, ...]] = (
    ("Ould Ahmed Salem", "ولد أحمد سالم"), ("Ould Sidi Mohamed", "ولد سيدي محمد"), ("Ould Rachid", "ولد الرشيد"),
    ("Ma'ouloud", "مولود"), ("Ould El Bachir", "ولد البشير"),
)  # fmt: skip
SOUTHERN_ACADEMIES: Final = frozenset({"GON", "LSH", "DOE"})

MALE_GIVEN_NAMES: Final[tuple[Pair, ...]] = (
    ("Mohamed", "مُحَمَّد"), ("Mohammed Amine", "محمد أمين"), ("Youssef", "يوسف"), ("Abdelkrim", "عبد الكريم"),
    ("Ayoub", "أيوب"), ("Hamza", "حمزة"), ("Othmane", "عثمان"), ("Saâd", "سعد"), ("Ismaïl", "إسماعيل"),
    ("Abderrahmane", "عبد الرحمن"), ("Anass", "أنس"), ("Yahya", "يحيى"), ("Mehdi", "المهدي"),
    ("Zakaria", "زكرياء"), ("Brahim", "ابراهيم"), ("Lahcen", "لحسن"), ("Moulay Ali", "مولاي علي"),
    ("Sidi Mohamed", "سيدي محمد"), ("Achraf", "أشرف"), ("Réda", "رضا"), ("Ilyas", "إلياس"),
)  # fmt: skip

FEMALE_GIVEN_NAMES: Final[tuple[Pair, ...]] = (
    ("Fatima-Zahra", "فاطمة الزهراء"), ("Khadija", "خَدِيجَة"), ("Salma", "سلمى"), ("Hajar", "هاجر"),
    ("Meryem", "مريم"), ("Imane", "إيمان"), ("Noura", "نورة"), ("Chaïmae", "شيماء"), ("Oumaïma", "أميمة"),
    ("Ghita", "غيثة"), ("Loubna", "لبنى"), ("Zineb", "زينب"), ("Lalla Amina", "لالة أمينة"), ("Hind", "هند"),
    ("Aya", "آية"), ("Soukaïna", "سُكَيْنَة"), ("Nour El Houda", "نور الهدى"), ("Hanaâ", "هناء"), ("Rim", "ريم"),
)  # fmt: skip

# Birth places by academy code; candidates are mostly born in their own region.
PLACES: Final[dict[str, tuple[Pair, ...]]] = {
    "TTA": (("Tanger", "طنجة"), ("Tétouan", "تطوان"), ("Al Hoceïma", "الحسيمة"), ("Ksar El Kébir", "القصر الكبير")),
    "ORI": (("Oujda", "وجدة"), ("Nador", "الناظور"), ("Berkane", "بركان"), ("Figuig", "فجيج")),
    "FM": (("Fès", "فاس"), ("Meknès", "مكناس"), ("Taza", "تازة"), ("Sefrou", "صفرو")),
    "RSK": (("Rabat", "الرباط"), ("Salé", "سلا"), ("Kénitra", "القنيطرة"), ("Khémisset", "الخميسات")),
    "BMK": (("Béni Mellal", "بني ملال"), ("Khénifra", "خنيفرة"), ("Khouribga", "خريبكة"), ("Azilal", "أزيلال")),
    "CS": (("Casablanca", "الدار البيضاء"), ("Settat", "سطات"), ("El Jadida", "الجديدة"), ("Mohammédia", "المحمدية")),
    "MS": (("Marrakech", "مراكش"), ("Safi", "آسفي"), ("Essaouira", "الصويرة"), ("Kelâa des Sraghna", "قلعة السراغنة")),
    "DT": (("Errachidia", "الرشيدية"), ("Ouarzazate", "ورزازات"), ("Zagora", "زاكورة"), ("Tinghir", "تنغير")),
    "SM": (("Agadir", "أكادير"), ("Taroudant", "تارودانت"), ("Tiznit", "تيزنيت"), ("Aït Melloul", "أيت ملول")),
    "GON": (("Guelmim", "كلميم"), ("Tan-Tan", "طانطان"), ("Sidi Ifni", "سيدي إفني")),
    "LSH": (("Laâyoune", "العيون"), ("Boujdour", "بوجدور"), ("Es-Semara", "السمارة")),
    "DOE": (("Dakhla", "الداخلة"), ("Aousserd", "أوسرد")),
}
ABROAD: Final[tuple[Pair, ...]] = (("Paris (France)", "باريس (فرنسا)"), ("Bruxelles (Belgique)", "بروكسل (بلجيكا)"))

# Letter prefixes of CINs by academy (plausible, not an official table).
CIN_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    "TTA": ("K", "L", "LB"), "ORI": ("F", "FA"), "FM": ("C", "CD", "D"), "RSK": ("A", "AB", "G"),
    "BMK": ("I", "IA"), "CS": ("B", "BE", "BK", "BH"), "MS": ("E", "EE", "H"), "DT": ("U", "UA"),
    "SM": ("J", "JA", "JB"), "GON": ("JC",), "LSH": ("SH",), "DOE": ("SL",),
}  # fmt: skip
