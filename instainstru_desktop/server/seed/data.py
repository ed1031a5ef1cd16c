"""The demo studio's catalogue: instructors, their lesson types and usual hours, student names.

Kept apart from :mod:`.seed` so the data reads as data and the seeder as code.
"""

from __future__ import annotations

# name, zone, bio, lesson types (name, minutes, price cents, currency, colour), weekly hours
INSTRUCTORS: list[tuple[str, str, str, list[tuple[str, int, int, str, str]], str]] = [
    (
        "Maria Lopez",
        "Europe/London",
        (
            "Concert pianist teaching all levels, from first notes to diploma exams.\n\nLessons "
            "follow what you want to play: classical repertoire, jazz standards or the song you "
            "heard last week. I studied at the Royal Academy and have taught for twelve "
            "years.\nBring your own music, or start with mine."
        ),
        [
            ("Piano lesson", 60, 4500, "GBP", "#7E57C2"),
            ("Music theory", 45, 3500, "GBP", "#26A69A"),
            ("Piano taster", 30, 2000, "GBP", "#EC407A"),
        ],
        "mon-sat",
    ),
    (
        "James Carter",
        "America/New_York",
        (
            "Guitar and songwriting, acoustic or electric.\n\nWe start from the songs you love "
            "and build the chords, rhythm and ear to write your own. Beginners welcome."
        ),
        [("Guitar", 45, 5000, "USD", "#FF7043"), ("Songwriting", 60, 6500, "USD", "#8D6E63")],
        "weekdays-late",
    ),
    (
        "Priya Sharma",
        "Asia/Kolkata",
        (
            "Maths and physics for school exams and university entrance.\n\nClear explanations, "
            "plenty of past papers, and a plan for the weeks before your exam."
        ),
        [
            ("Maths tutoring", 60, 120000, "INR", "#42A5F5"),
            ("Physics", 60, 120000, "INR", "#5C6BC0"),
        ],
        "weekdays",
    ),
    (
        "Kenji Watanabe",
        "Asia/Tokyo",
        (
            "Japanese for travellers and the JLPT (N5 to N2).\n\nConversation first: ordering "
            "food, asking the way, small talk. Grammar and kanji when you are ready for them."
        ),
        [
            ("Japanese conversation", 45, 450000, "JPY", "#EF5350"),
            ("JLPT prep", 90, 800000, "JPY", "#AB47BC"),
        ],
        "weekdays",
    ),
    (
        "Sofia Rossi",
        "Europe/Rome",
        (
            "Italian for every level, and classical singing.\n\nLearn the language through the "
            "songs, or the songs through the language."
        ),
        [("Italian", 60, 4000, "EUR", "#66BB6A"), ("Singing", 30, 2500, "EUR", "#FFA726")],
        "split",
    ),
    (
        "Lucas Silva",
        "America/Sao_Paulo",
        (
            "Swimming for kids and adults, in a heated 25 m pool.\n\nFrom first strokes to a "
            "confident front crawl. Calm, patient, and safety first."
        ),
        [("Swimming", 45, 12000, "BRL", "#29B6F6")],
        "mornings",
    ),
    (
        "Emma Schmidt",
        "Europe/Berlin",
        (
            "Tennis coach (DTB licence), for juniors and adults.\n\nTechnique, tactics and match "
            "play, on clay courts in the city centre."
        ),
        [("Tennis", 60, 5500, "EUR", "#9CCC65"), ("Tennis doubles", 90, 8000, "EUR", "#D4E157")],
        "mon-sat",
    ),
    (
        "Olivia Brown",
        "Australia/Sydney",
        (
            "Yoga and mobility for stiff backs and busy people.\n\nGentle, clear and adapted to "
            "you; no experience needed."
        ),
        [("Yoga", 60, 3000, "AUD", "#26C6DA"), ("Mobility", 30, 2000, "AUD", "#80CBC4")],
        "mornings",
    ),
    (
        "Noah Johnson",
        "America/Los_Angeles",
        (
            "Climbing technique, indoors and on real rock.\n\nFootwork, reading a route and "
            "falling safely. Shoes and harness provided."
        ),
        [("Climbing", 90, 9000, "USD", "#A1887F")],
        "weekdays-late",
    ),
    (
        "Amelia Dubois",
        "Europe/Paris",
        (
            "French conversation and grammar, from A1 to C1.\n\nSpeak from the first lesson; "
            "grammar explained in plain words when you need it."
        ),
        [("French", 45, 3800, "EUR", "#5C6BC0"), ("French grammar", 60, 4500, "EUR", "#7986CB")],
        "weekdays",
    ),
    (
        "Arjun Mehta",
        "Asia/Kolkata",
        (
            "Programming in Python, from a first script to a real project.\n\nCode reviews of "
            "your own work, testing, and how to read other people's code."
        ),
        [("Coding", 90, 150000, "INR", "#455A64"), ("Code review", 30, 60000, "INR", "#78909C")],
        "split",
    ),
    (
        "Chloe Martin",
        "America/Chicago",
        (
            "Violin with the Suzuki method, for children from four and adults.\n\nParents are "
            "welcome in lessons; we learn by ear first and read music later."
        ),
        [("Violin", 60, 6000, "USD", "#D81B60"), ("Violin taster", 30, 3000, "USD", "#F06292")],
        "mon-sat",
    ),
]
HOURS: dict[str, dict[int, list[tuple[int, int]]]] = {
    "mon-sat": {d: [(9 * 60, 12 * 60), (13 * 60, 17 * 60)] for d in range(6)},
    "weekdays": {d: [(9 * 60, 13 * 60), (14 * 60, 18 * 60)] for d in range(5)},
    "weekdays-late": {d: [(12 * 60, 20 * 60)] for d in range(5)},
    "split": {
        **{d: [(8 * 60, 11 * 60), (16 * 60, 20 * 60)] for d in range(5)},
        5: [(10 * 60, 14 * 60)],
    },
    "mornings": {d: [(6 * 60, 12 * 60)] for d in range(6)},
}
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Carla",
    "Dmitri",
]
LAST_NAMES = [
    "Novak",
    "Okafor",
    "Patel",
    "Quist",
    "Reyes",
    "Sato",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zhou",
    "Almeida",
    "Becker",
    "Costa",
    "Dahl",
    "Evans",
    "Fischer",
    "Garcia",
]
STUDENT_ZONES = [
    "Europe/London",
    "Europe/Madrid",
    "America/New_York",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Melbourne",
    "Europe/Warsaw",
]
