"""Chapter 7's data: written dates and their ISO form (offline, seeded), the Zen of Python,
characters as ids (``CharVocab``), the arrays of teacher forcing and next-character pairs."""

from __future__ import annotations

import datetime
from collections import namedtuple

import numpy as np

from dlhelpers._validation import check_choice, check_scalar, fail, reject

__all__ = [
    "DATE_FORMATS",
    "DateData",
    "make_dates",
    "zen_text",
    "CharVocab",
    "encode_pairs",
    "Seq2SeqArrays",
    "char_windows",
]

_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
# English names, hard-coded: ``calendar`` would follow the machine's locale.
_MONTHS = "january february march april may june july august september october november december"
_MONTHS, _WEEKDAYS = (
    _MONTHS.split(),
    "monday tuesday wednesday thursday friday saturday sunday".split(),
)


def _th(d: datetime.date) -> str:
    return f"{d.day}{_ORDINAL.get(d.day, 'th')}"


def _month(d: datetime.date) -> str:
    return _MONTHS[d.month - 1]


def _weekday(d: datetime.date) -> str:
    return _WEEKDAYS[d.weekday()]


# Short formats put every field in a few characters; long ones spell things out and
# add the weekday, so the day sits far from the end of the input.
DATE_FORMATS = {
    "dd/mm/yy": lambda d: d.strftime("%d/%m/%y"),
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "d mon yyyy": lambda d: f"{d.day} {_month(d)[:3]} {d.year}",
    "month d, yyyy": lambda d: f"{_month(d)} {d.day}, {d.year}",
    "d month yyyy": lambda d: f"{d.day} {_month(d)} {d.year}",
    "the dth of month yyyy": lambda d: f"the {_th(d)} of {_month(d)} {d.year}",
    "dth month yyyy, weekday": lambda d: f"{_th(d)} {_month(d)} {d.year}, {_weekday(d)}",
    "weekday the dth of month yyyy": lambda d: (
        f"{_weekday(d)} the {_th(d)} of {_month(d)} {d.year}"
    ),
}

DateData = namedtuple("DateData", ["inputs", "targets", "formats"])


def make_dates(
    n: int, seed: int = 0, formats=None, first_year=1950, last_year=2049, max_dates=1
) -> DateData:
    """Random dates written in several formats, with their ISO form ``yyyy-mm-dd``.

    Args:
        n: how many lines.
        seed: seed of the random generator (same seed, same lines).
        formats: a name or a list of names from :data:`DATE_FORMATS` (default: all).
        first_year, last_year: the range of years (inclusive); two-digit years
            (``dd/mm/yy``) are read inside it, which must then span at most 100 years.
        max_dates: each line holds 1 to ``max_dates`` dates (drawn uniformly).

    Returns:
        ``DateData(inputs, targets, formats)``: ``n`` input lines (dates joined by
        ``"; "``), ``n`` target lines (ISO dates joined by a space), ``n`` tuples of the
        format names used.

    Example:
        >>> make_dates(1, seed=3, formats="d mon yyyy").targets
        ['2031-02-25']
    """
    n = check_scalar(n, "n", int, low=1)
    formats = [formats] if isinstance(formats, str) else formats  # one name, not its letters
    names = list(DATE_FORMATS) if formats is None else list(formats)
    for name in names:
        check_choice(name, "formats", tuple(DATE_FORMATS))
    first_year = check_scalar(first_year, "first_year", int, low=1, high=9999)
    last_year = check_scalar(last_year, "last_year", int, low=first_year, high=9999)
    if "dd/mm/yy" in names and last_year - first_year >= 100:
        fail(
            "last_year", f"at most {first_year + 99} with the two-digit format dd/mm/yy", last_year
        )
    max_dates = check_scalar(max_dates, "max_dates", int, low=1)
    if not names:
        fail("formats", "at least one format name", formats)
    rng = np.random.default_rng(seed)
    start = datetime.date(first_year, 1, 1).toordinal()
    stop = datetime.date(last_year, 12, 31).toordinal()
    inputs, targets, used = [], [], []
    for count in rng.integers(1, max_dates + 1, size=n):
        days = rng.integers(start, stop + 1, size=count)
        picks = [names[p] for p in rng.integers(0, len(names), size=count)]
        dates = [datetime.date.fromordinal(int(d)) for d in days]
        inputs.append("; ".join(DATE_FORMATS[p](d) for d, p in zip(dates, picks, strict=True)))
        targets.append(" ".join(d.isoformat() for d in dates))
        used.append(tuple(picks))
    return DateData(inputs, targets, used)


def zen_text() -> str:
    """The Zen of Python (``import this``), decoded without printing it."""
    import codecs
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return codecs.decode(this.s, "rot13")


class CharVocab:
    """Characters to integer ids and back: id 0 pads, 1 starts, 2 ends; characters follow sorted.

    Attributes:
        tokens: list of tokens, index = id.
        index: dict token -> id.

    Example:
        >>> v = CharVocab("ab")
        >>> v.encode("ba", end=True).tolist(), v.decode([[4, 3, 2, 3]])
        ([[4, 3, 2]], ['ba'])
    """

    pad_id, start_id, end_id = 0, 1, 2

    def __init__(self, texts):
        chars = sorted({c for t in ([texts] if isinstance(texts, str) else texts) for c in t})
        if not chars:
            fail("texts", "at least one character", texts)
        self.tokens = ["<pad>", "<s>", "</s>", *chars]
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} tokens: {''.join(self.tokens[3:])!r})"

    def encode(self, texts, length=None, *, start: bool = False, end: bool = False) -> np.ndarray:
        """Strings as an ``(N, length)`` int32 array, padded with 0 (default length: the longest).

        ``start``/``end`` put the start token first / the end token last. A ``ValueError``
        names any character outside the vocabulary, or a text longer than ``length``.
        """
        rows = []
        for t in [texts] if isinstance(texts, str) else texts:
            unknown = sorted({c for c in t if c not in self.index})
            if unknown:
                allowed = f"only characters of the vocabulary {''.join(self.tokens[3:])!r}"
                reject("texts", allowed, f"{t!r} with unknown character(s) {unknown}")
            rows.append([1] * start + [self.index[c] for c in t] + [2] * end)
        longest = max(map(len, rows), default=0)
        length = longest if length is None else check_scalar(length, "length", int, low=1)
        if longest > length:
            fail("length", f"at least {longest} (the longest encoded text)", length)
        out = np.zeros((len(rows), length), dtype=np.int32)
        for i, r in enumerate(rows):
            out[i, : len(r)] = r
        return out

    def decode(self, ids) -> list[str]:
        """``(N, T)`` ids back to strings, stopping at the end token, skipping pads and starts."""
        texts = []
        for row in np.atleast_2d(np.asarray(ids)).tolist():
            row = row[: row.index(self.end_id)] if self.end_id in row else row
            texts.append("".join(self.tokens[i] for i in row if i > self.end_id))
        return texts


Seq2SeqArrays = namedtuple("Seq2SeqArrays", ["encoder_input", "decoder_input", "target"])


def encode_pairs(inputs, targets, in_vocab, out_vocab, in_length, out_length) -> Seq2SeqArrays:
    """Teacher forcing's arrays: the decoder is fed the true previous character at every step.

    Returns ``Seq2SeqArrays(encoder_input (N, in_length), decoder_input, target (N, out_length))``:
    ``decoder_input`` is ``<s> y1 ... y(T-1)`` and ``target`` is ``y1 ... yT </s>``.
    """
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs, targets: expected the same number of strings, received "
            f"{len(inputs)} and {len(targets)}."
        )
    in_length = check_scalar(in_length, "in_length", int, low=1)
    out_length = check_scalar(out_length, "out_length", int, low=1)
    longest = max(map(len, targets), default=0)
    if longest + 1 > out_length:
        room = (
            f"at least {longest + 1} (the longest target, {longest} characters, plus the end token)"
        )
        fail("out_length", room, out_length)
    full = out_vocab.encode(targets, out_length + 1, start=True, end=True)
    return Seq2SeqArrays(in_vocab.encode(inputs, in_length), full[:, :-1], full[:, 1:])


def char_windows(text: str, vocab: CharVocab, window: int, step: int = 1):
    """Next-character pairs: ``X (N, window)`` ids and ``y``, the same windows shifted by one."""
    window = check_scalar(window, "window", int, low=1)
    step = check_scalar(step, "step", int, low=1)
    if len(text) < window + 1:
        reject("text", f"at least window + 1 = {window + 1} characters", f"{len(text)} characters")
    ids = vocab.encode([text])[0]
    starts = np.arange(0, len(ids) - window, step)[:, None]
    return ids[starts + np.arange(window)], ids[starts + 1 + np.arange(window)]
