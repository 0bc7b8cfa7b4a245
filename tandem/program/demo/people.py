"""Names, places and the organisation vocabulary of the demo company.

A global bank ("Northbridge") whose staff come from many cultures.  Names are
composed from first- and last-name lists per culture (with middle initials,
compound surnames and native-script forms where those cultures use them), so
that a demo of 100,000+ people stays plausible and mostly unique without a
name generator library.  E-mail addresses are ASCII-folded from the name.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

EMAIL_DOMAIN = "northbridge.example"


@dataclass(frozen=True)
class Culture:
    """First and last names of one naming tradition.

    ``style`` says how a full name is put together:
    ``western`` (First [M.] Last), ``iberian`` (First Last [Last2]),
    ``family_first`` (native script, family name first, no space; the
    romanised pair is used for e-mail), ``vietnamese`` (Family Middle Given).
    """

    key: str
    first: tuple[str, ...]
    last: tuple[str, ...]
    style: str = "western"
    middle_initial_rate: float = 0.0


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


CULTURES: tuple[Culture, ...] = (
    Culture(
        "english",
        _split(
            "Oliver, Amelia, Harry, Isla, George, Charlotte, Jack, Emily, Thomas, Sophie, "
            "James, Hannah, William, Grace, Daniel, Lucy, Samuel, Eleanor, Joseph, Rebecca, "
            "Matthew, Chloe, Benjamin, Abigail, Edward, Philippa, Rupert, Harriet, Alistair, Fiona"
        ),
        _split(
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
            "Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, "
            "Harrison, Cooper, Hughes, Ward, Turner, Fletcher, Whitaker, Pemberton, Ashworth, Lowe"
        ),
        middle_initial_rate=0.2,
    ),
    Culture(
        "irish",
        _split(
            "Siobhán, Aoife, Niamh, Saoirse, Caoimhe, Orla, Róisín, Clodagh, Ciarán, Seán, "
            "Pádraig, Eoin, Darragh, Oisín, Cillian, Liam, Conor, Declan, Fionnuala, Éabha"
        ),
        _split(
            "O'Neill, O'Brien, Murphy, Kelly, Byrne, Ryan, O'Sullivan, Walsh, McCarthy, "
            "Gallagher, Doherty, Kennedy, Lynch, Quinn, Ní Bhriain, Mac Giolla, Fitzgerald, "
            "Brennan, Nolan, Keane"
        ),
    ),
    Culture(
        "german",
        _split(
            "Lukas, Leonie, Jonas, Lena, Felix, Mia, Maximilian, Hannah, Tobias, Anna, "
            "Sebastian, Katharina, Florian, Johanna, Moritz, Clara, Jürgen, Sabine, Matthias, "
            "Ulrike, Björn, Jörg, Annika, Dieter, Friederike, Stefan, Franziska, Niklas"
        ),
        _split(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
            "Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, "
            "Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Weiß, Krause, Vogt"
        ),
        middle_initial_rate=0.05,
    ),
    Culture(
        "nordic",
        _split(
            "Zoë, Astrid, Ingrid, Sigrid, Freja, Linnea, Maja, Elin, Björn, Erik, Lars, "
            "Magnus, Nils, Søren, Anders, Henrik, Kristoffer, Ragnhild, Solveig, Tove"
        ),
        _split(
            "Ångström, Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsen, Hansen, "
            "Pedersen, Sørensen, Lindqvist, Bergström, Lindgren, Halvorsen, Dahl, Øberg, "
            "Sjöberg, Nyström, Holm, Engström"
        ),
    ),
    Culture(
        "french",
        _split(
            "Camille, Léa, Chloé, Manon, Inès, Élodie, Amélie, Hélène, Juliette, Margaux, "
            "Louis, Hugo, Théo, Mathéo, Antoine, Étienne, Rémi, Benoît, François, Jérôme, "
            "Gaël, Noémie, Clément, Aurélien"
        ),
        _split(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, "
            "Simon, Laurent, Lefèvre, Michel, Garcia, David, Bertrand, Roux, Fournier, "
            "Girard, Bonnet, Dupont, Lambert, Fontaine, Chevalier, Mercier"
        ),
    ),
    Culture(
        "iberian",
        _split(
            "José, María, Lucía, Sofía, Martina, Valentina, Alejandro, Javier, Álvaro, "
            "Sergio, Pablo, Andrés, Ignacio, Beatriz, Nerea, Carmen, Rocío, Mónica, Raúl, "
            "Íñigo, Guadalupe, Ximena, Diego, Mateo, Paula, Marisol"
        ),
        _split(
            "Nuñez, García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, "
            "Gómez, Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, "
            "Navarro, Torres, Domínguez, Vázquez, Ramos, Castillo, Ortega, Delgado, Castro"
        ),
        style="iberian",
    ),
    Culture(
        "brazilian",
        _split(
            "João, Ana, Luíza, Beatriz, Gabriela, Larissa, Thaís, Fernanda, Letícia, "
            "Juliana, Rafael, Thiago, Gustavo, Leonardo, Vinícius, Caio, Felipe, Lucas, "
            "Marcelo, Rodrigo, Renata, Camila, Otávio, Débora"
        ),
        _split(
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Nascimento, "
            "Lima, Araújo, Fernandes, Carvalho, Gomes, Martins, Rocha, Ribeiro, Alves, "
            "Monteiro, Mendes, Barros, Freitas, Cardoso, Teixeira, Conceição, Magalhães"
        ),
        style="iberian",
    ),
    Culture(
        "polish",
        _split(
            "Małgorzata, Agnieszka, Katarzyna, Joanna, Zofia, Magdalena, Aleksandra, Ewa, "
            "Krzysztof, Paweł, Łukasz, Tomasz, Michał, Piotr, Grzegorz, Wojciech, Jakub, "
            "Bartłomiej, Marta, Dorota"
        ),
        _split(
            "Nowak, Kowalski, Wiśniewska, Wójcik, Kowalczyk, Kamiński, Lewandowska, "
            "Zieliński, Szymańska, Woźniak, Dąbrowski, Kozłowska, Jankowski, Mazur, "
            "Kwiatkowski, Krawczyk, Piotrowska, Grabowski, Pawłowski, Michalska"
        ),
    ),
    Culture(
        "indian",
        _split(
            "Aarav, Vivaan, Aditya, Arjun, Rohan, Karthik, Siddharth, Rahul, Vikram, Sanjay, "
            "Ananya, Priya, Diya, Kavya, Aishwarya, Meera, Nandini, Pooja, Lakshmi, Shreya, "
            "Deepika, Harpreet, Gurpreet, Ishaan, Neha, Rajesh, Sunita, Venkat, Divya, Anil"
        ),
        _split(
            "Sharma, Patel, Gupta, Iyer, Reddy, Nair, Menon, Rao, Singh, Kumar, Mehta, Shah, "
            "Joshi, Desai, Chatterjee, Banerjee, Mukherjee, Krishnan, Pillai, Agarwal, "
            "Kapoor, Malhotra, Bhatt, Chopra, Subramanian, Venkataraman, Ghosh, Das, Kaur, Sethi"
        ),
        middle_initial_rate=0.1,
    ),
    Culture(
        "chinese",
        # "native|romanised" pairs: the display name may use either form.
        _split(
            "伟|Wei, 芳|Fang, 娜|Na, 敏|Min, 静|Jing, 磊|Lei, 洋|Yang, 艳|Yan, 勇|Yong, "
            "军|Jun, 杰|Jie, 婷|Ting, 浩|Hao, 欣怡|Xinyi, 子涵|Zihan, 宇轩|Yuxuan, "
            "梓萱|Zixuan, 俊杰|Junjie, 嘉怡|Jiayi, 志强|Zhiqiang, 晓东|Xiaodong, 丽华|Lihua, "
            "建国|Jianguo, 美玲|Meiling, 文博|Wenbo, 思远|Siyuan"
        ),
        _split(
            "李|Li, 王|Wang, 张|Zhang, 刘|Liu, 陈|Chen, 杨|Yang, 黄|Huang, 赵|Zhao, 吴|Wu, "
            "周|Zhou, 徐|Xu, 孙|Sun, 马|Ma, 朱|Zhu, 胡|Hu, 郭|Guo, 何|He, 林|Lin, 罗|Luo, "
            "高|Gao, 梁|Liang, 郑|Zheng, 谢|Xie, 宋|Song"
        ),
        style="family_first",
    ),
    Culture(
        "vietnamese",
        _split(
            "Hoa, Lan, Mai, Hương, Linh, Thảo, Trang, Ngọc, Hạnh, Phương, Anh, Dũng, Hùng, "
            "Minh, Tuấn, Quân, Long, Khoa, Bảo, Thắng, Hiếu, Duy"
        ),
        _split(
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý"
        ),
        style="vietnamese",
    ),
    Culture(
        "japanese_korean",
        _split(
            "Yuki, Haruto, Sota, Yui, Aoi, Hina, Ren, Kenji, Takeshi, Akiko, Naoko, Hiroshi, "
            "Ji-woo, Min-jun, Seo-yeon, Ha-eun, Do-yun, Soo-ah, Jae-won, Hye-jin"
        ),
        _split(
            "Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Sato, "
            "Kato, Yoshida, Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Han"
        ),
    ),
    Culture(
        "african",
        _split(
            "Chinedu, Ngozi, Oluwaseun, Adaeze, Tunde, Folake, Emeka, Chiamaka, Kwame, Ama, "
            "Kofi, Abena, Thabo, Lerato, Sipho, Nomvula, Amara, Zanele, Bongani, Wanjiru, "
            "Kamau, Achieng, Yaw, Efua"
        ),
        _split(
            "Okafor, Adeyemi, Okonkwo, Balogun, Eze, Nwosu, Mensah, Asante, Boateng, Owusu, "
            "Dlamini, Nkosi, Mokoena, Khumalo, Ndlovu, Mwangi, Otieno, Kariuki, Adebayo, "
            "Oyelaran, Abiodun, Ogunleye"
        ),
        middle_initial_rate=0.05,
    ),
    Culture(
        "arabic_turkish",
        _split(
            "Omar, Layla, Yusuf, Fatima, Ahmed, Mariam, Khalid, Noor, Hassan, Aisha, Karim, "
            "Rania, Tariq, Salma, Zaid, Huda, Emre, Elif, Mehmet, Zeynep, Çağla, Burak, "
            "Şule, Gökhan"
        ),
        _split(
            "Haddad, Khalil, Mansour, Nasser, Saleh, Farouk, Hamdan, Al-Sayed, El-Amin, "
            "Rahman, Qureshi, Aziz, Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Öztürk, Aydın"
        ),
    ),
    Culture(
        "american",
        _split(
            "Madison, Tyler, Brianna, Jordan, Ashley, Austin, Kayla, Brandon, Morgan, Logan, "
            "Taylor, Dakota, Jasmine, Marcus, Tanisha, DeShawn, Keisha, Andre, Cody, Brooke, "
            "Hunter, Savannah, Malik, Destiny, Trevor, Mackenzie"
        ),
        _split(
            "Miller, Davis, Anderson, Jackson, Harris, Martinez, Thompson, Moore, Lewis, "
            "Young, Allen, King, Scott, Hill, Baker, Adams, Nelson, Carter, Mitchell, "
            "Campbell, Parker, Washington, Coleman, Bennett, Reyes, Sullivan, Hayes, Brooks"
        ),
        middle_initial_rate=0.35,
    ),
    Culture(
        "southeast_asian",
        _split(
            "Wei Ling, Hui Min, Jia Hui, Kai Xiang, Jun Wei, Mei Ling, Siti, Nurul, "
            "Muhammad, Farah, Aiman, Rizal, Dewi, Putri, Andi, Bayu, Maria Clara, "
            "Jose Miguel, Kristine, Rhea"
        ),
        _split(
            "Tan, Lim, Ng, Ong, Goh, Chua, Koh, Teo, Wong, Lau, Abdullah, Rahim, Ismail, "
            "Hidayat, Santoso, Wijaya, Reyes, Santos, Dela Cruz, Bautista"
        ),
    ),
)

CULTURE_INDEX = {culture.key: index for index, culture in enumerate(CULTURES)}

#: Geographies with their share of staff and the cultures most common there
#: (the rest of the staff there come from anywhere: a global bank).
GEOGRAPHIES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("UK", 0.24, ("english", "irish", "indian", "african")),
    ("Germany", 0.09, ("german", "polish", "arabic_turkish", "nordic")),
    ("France", 0.05, ("french", "african", "arabic_turkish")),
    ("Poland", 0.06, ("polish", "german")),
    ("US East", 0.15, ("american", "irish", "iberian", "english")),
    ("US West", 0.07, ("american", "japanese_korean", "chinese", "indian")),
    ("Singapore", 0.09, ("southeast_asian", "chinese", "indian", "vietnamese")),
    ("Hong Kong", 0.05, ("chinese", "english", "southeast_asian")),
    ("India", 0.12, ("indian",)),
    ("Brazil", 0.08, ("brazilian", "iberian", "japanese_korean")),
)

#: Divisions with their share of staff and their functions.
DIVISIONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("Retail Banking", 0.22, ("Branch Network", "Lending", "Customer Service", "Product")),
    ("Wealth", 0.12, ("Advisory", "Portfolio Management", "Client Relationships")),
    ("Technology", 0.22, ("Engineering", "Data & Analytics", "Cyber Security", "Architecture")),
    ("Operations", 0.14, ("Payments Operations", "Procurement", "Service Delivery")),
    ("Risk", 0.10, ("Credit Risk", "Compliance", "Model Risk")),
    ("Finance", 0.07, ("Financial Planning", "Treasury", "Tax")),
    ("Marketing", 0.07, ("Brand", "Digital Marketing", "Customer Insight")),
    ("People", 0.06, ("Talent", "Learning", "Reward")),
)
EXECUTIVE_OFFICE = "Executive Office"

#: Share of each level 1..6 among the program's population (7 and 8 are set apart).
LEVEL_WEIGHTS = np.array([0.19, 0.20, 0.20, 0.17, 0.13, 0.08])
LEVEL7_SHARE = 0.025

TITLES: dict[int, tuple[str, ...]] = {
    1: ("Analyst", "Associate", "Engineer", "Specialist", "Officer"),
    2: ("Senior Analyst", "Senior Associate", "Senior Engineer", "Consultant"),
    3: ("Manager", "Team Lead", "Lead Engineer", "Product Owner"),
    4: ("Director", "Head of Practice", "Engineering Director"),
    5: ("Senior Director", "Managing Director", "Head of Department"),
    6: ("Vice President",),
    7: ("Senior Vice President", "Executive Vice President"),
    8: ("Chief Executive Officer",),
}
DIVISION_HEAD_TITLES = {
    "Retail Banking": "Chief Executive, Retail Banking",
    "Wealth": "Chief Executive, Wealth",
    "Technology": "Chief Technology Officer",
    "Operations": "Chief Operating Officer",
    "Risk": "Chief Risk Officer",
    "Finance": "Chief Financial Officer",
    "Marketing": "Chief Marketing Officer",
    "People": "Chief People Officer",
}

COMPETENCIES: tuple[str, ...] = (
    "strategic foresight",
    "stakeholder diplomacy",
    "operational discipline",
    "delegation",
    "digital fluency",
    "data literacy",
    "AI tools",
    "social media",
    "negotiation",
    "storytelling",
    "financial acumen",
    "change leadership",
    "coaching",
    "cross-functional influence",
    "risk judgement",
    "inclusive leadership",
    "executive presence",
    "product thinking",
)
#: Competencies juniors tend to teach and seniors tend to want (reverse mentoring).
DIGITAL_COMPETENCIES = frozenset(
    {"digital fluency", "data literacy", "AI tools", "social media", "product thinking"}
)

LEARNING_STYLES = ("reflective", "hands-on", "discussion", "structured", "observational")
LEARNING_STYLE_WEIGHTS = np.array([0.24, 0.26, 0.25, 0.15, 0.10])

#: Self-identified groups for equity reporting (some deliberately small, so the
#: privacy threshold has something to suppress).
GROUPS = (
    "Women's network",
    "Multicultural network",
    "LGBTQ+ network",
    "Disability and neurodiversity network",
    "First-generation professionals",
    "No network",
)
GROUP_WEIGHTS = np.array([0.27, 0.17, 0.05, 0.015, 0.08, 0.415])
GROUP_EMPTY_RATE = 0.15

_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "ı": "i",
    }
)


def ascii_fold(text: str) -> str:
    """ASCII letters for an e-mail local part: 'Zoë Ångström' → 'Zoe Angstrom'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if ord(ch) < 128 and not unicodedata.combining(ch))


@functools.lru_cache(maxsize=8192)
def _email_word(word: str) -> str:
    return "".join(ch for ch in ascii_fold(word).lower() if ch.isalnum())


def _local_part(words: list[str]) -> str:
    return ".".join(w for w in map(_email_word, words) if w) or "colleague"


_INITIALS = "ABCDEFGHJKLMNPRSTW"


def compose_names(
    rng: np.random.Generator,
    geography_index: np.ndarray,
    *,
    taken: set[str] | None = None,
    used: dict[str, int] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """Full names, first names and unique e-mails for people in the given geographies.

    Returns ``(names, first_names, emails)``.  Each person's culture is drawn
    from the cultures common in their geography (65%) or from anywhere (35%).
    ``taken`` (names) and ``used`` (e-mail local part → how many have it) carry
    on from an earlier batch, so a second batch stays unique against the first;
    both are updated in place.
    """
    n = len(geography_index)
    local_pick = rng.random(n) < 0.65
    any_culture = rng.integers(0, len(CULTURES), n)
    local_draw = rng.random(n)
    culture = np.empty(n, dtype=np.int64)
    for g, (_name, _share, cultures) in enumerate(GEOGRAPHIES):
        mask = geography_index == g
        options = np.array([CULTURE_INDEX[key] for key in cultures])
        culture[mask] = options[(local_draw[mask] * len(options)).astype(np.int64)]
    culture = np.where(local_pick, culture, any_culture)
    draws = rng.random((n, 5)).tolist()
    # Fresh draws for a person whose name is already taken (deterministic: the
    # loop below always asks in the same order), fetched a block at a time.
    retry_rng = np.random.default_rng(int(rng.integers(0, 2**62)))
    spare: list[list[float]] = []

    names: list[str] = []
    firsts: list[str] = []
    emails: list[str] = []
    used = {} if used is None else used
    taken = set() if taken is None else taken
    for i in range(n):
        c = CULTURES[culture[i]]
        name, first_display, email_words = _compose(c, draws[i], retry=False)
        attempt = 0
        while name in taken and attempt < MAX_NAME_RETRIES:
            attempt += 1
            if not spare:
                spare = retry_rng.random((4096, 5)).tolist()
            name, first_display, email_words = _compose(c, spare.pop(), retry=True)
        taken.add(name)
        base = _local_part(email_words)
        count = used.get(base, 0) + 1
        used[base] = count
        # Name parts hold no digits, so "base" + a per-base counter is unique.
        local = base if count == 1 else f"{base}{count}"
        names.append(name)
        firsts.append(first_display)
        emails.append(f"{local}@{EMAIL_DOMAIN}")
    return names, firsts, emails


MAX_NAME_RETRIES = 6
_VIETNAMESE_MIDDLE = (
    "Thị",
    "Văn",
    "Minh",
    "Ngọc",
    "Đức",
    "Thanh",
    "Quốc",
    "Hoàng",
    "Thu",
    "Bảo",
    "Gia",
    "Kim",
    "Xuân",
    "Hữu",
)


def _pick(options: tuple[str, ...], u: float) -> str:
    return options[int(u * len(options))]


def _compose(c: Culture, u: list[float], *, retry: bool) -> tuple[str, str, list[str]]:
    """One full name of culture ``c`` from five uniforms: (name, first name, e-mail words).

    A retry (the name was taken) reaches for the rarer forms a real directory
    shows: middle initials, compound surnames, two-character given names.
    """
    first = _pick(c.first, u[0])
    last = _pick(c.last, u[1])
    if c.style == "family_first":
        first_native, first_roman = first.split("|")
        last_native, last_roman = last.split("|")
        if retry and u[3] < 0.7 and len(first_native) == 1:
            extra_native, extra_roman = _pick(c.first, u[2]).split("|")
            if len(extra_native) == 1 and extra_native != first_native:
                first_native += extra_native
                first_roman += extra_roman.lower()
        if u[4] < 0.5:
            return f"{last_native}{first_native}", first_native, [first_roman, last_roman]
        return f"{first_roman} {last_roman}", first_roman, [first_roman, last_roman]
    if c.style == "vietnamese":
        middle = _pick(_VIETNAMESE_MIDDLE, u[2])
        return f"{last} {middle} {first}", first, [first, middle, last]
    if c.style == "iberian" and u[3] < (0.9 if retry else 0.55):
        second = _pick(c.last, u[2])
        if second == last:
            second = c.last[(c.last.index(last) + 1) % len(c.last)]
        return f"{first} {last} {second}", first, [first, last, second]
    if u[3] < (0.7 if retry else c.middle_initial_rate):
        initial = _INITIALS[int(u[2] * len(_INITIALS))]
        return f"{first} {initial}. {last}", first, [first, initial, last]
    return f"{first} {last}", first, [first, last]
