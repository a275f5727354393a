"""Date data, vocabularies, seq2seq builders, decoding and temperature sampling."""

import datetime

import numpy as np
import pytest

from dlhelpers import seq2seq as s


# ------------------------------------------------------------------------------ data
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("max_dates", [1, 3])
def test_dates_are_correct_and_seeded(seed, max_dates):
    data = s.make_dates(300, seed=seed, max_dates=max_dates)
    again = s.make_dates(300, seed=seed, max_dates=max_dates)
    assert data == again
    assert data != s.make_dates(300, seed=seed + 10, max_dates=max_dates)
    for text, target, formats in zip(data.inputs, data.targets, data.formats, strict=True):
        parts, isos, names = text.split("; "), target.split(" "), formats
        assert 1 <= len(parts) == len(isos) == len(names) <= max_dates
        for part, iso, name in zip(parts, isos, names, strict=True):
            d = datetime.date.fromisoformat(iso)
            assert 1950 <= d.year <= 2049
            assert s.DATE_FORMATS[name](d) == part


def test_every_format_reads_back_to_the_same_date():
    d = datetime.date(1997, 3, 3)
    written = {name: f(d) for name, f in s.DATE_FORMATS.items()}
    assert written["dd/mm/yy"] == "03/03/97"
    assert written["d.m.yyyy"] == "3.3.1997"
    assert written["d mon yyyy"] == "3 mar 1997"
    assert written["the dth of month yyyy"] == "the 3rd of march 1997"
    assert "monday" in written["dth month yyyy, weekday"]  # 3 March 1997 was a Monday
    assert datetime.datetime.strptime(written["dd/mm/yy"], "%d/%m/%y").date() == d


def test_make_dates_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n: expected an integer >= 1, received 0"):
        s.make_dates(0)
    with pytest.raises(ValueError, match="formats: expected one of .*received 'yyyy/dd'"):
        s.make_dates(5, formats=["yyyy/dd"])
    with pytest.raises(ValueError, match="last_year: expected at most 2049 with the two-digit"):
        s.make_dates(5, first_year=1950, last_year=2050)
    with pytest.raises(ValueError, match="max_dates: expected an integer >= 1"):
        s.make_dates(5, max_dates=0)


def test_make_dates_accepts_one_format_name():
    one = s.make_dates(6, seed=1, formats="dd/mm/yy")
    assert one == s.make_dates(6, seed=1, formats=["dd/mm/yy"])
    assert all(f == ("dd/mm/yy",) for f in one.formats)


def test_month_and_weekday_names_are_english_whatever_the_locale(monkeypatch):
    import calendar

    # a non-English locale's names must not leak into the data
    monkeypatch.setattr(calendar, "month_name", ["", *["mes"] * 12])
    monkeypatch.setattr(calendar, "day_name", ["dia"] * 7)
    d = datetime.date(2024, 3, 4)  # a Monday
    assert s.DATE_FORMATS["dth month yyyy, weekday"](d) == "4th march 2024, monday"
    assert s.DATE_FORMATS["d mon yyyy"](datetime.date(1999, 12, 31)) == "31 dec 1999"
    months = [s.DATE_FORMATS["month d, yyyy"](datetime.date(2001, m, 1)) for m in range(1, 13)]
    assert months[0] == "january 1, 2001" and months[8] == "september 1, 2001"


def test_zen_text():
    zen = s.zen_text()
    assert zen.startswith("The Zen of Python") and "Beautiful is better than ugly." in zen


# ------------------------------------------------------------------------ vocabulary
@pytest.mark.parametrize("seed", [0, 1])
def test_vocab_round_trip(seed):
    data = s.make_dates(50, seed=seed, max_dates=2)
    vocab = s.CharVocab(data.inputs)
    ids = vocab.encode(data.inputs, 90, start=True, end=True)
    assert ids.shape == (50, 90) and ids.dtype == np.int32
    assert np.all(ids[:, 0] == vocab.start_id)
    assert vocab.decode(ids) == data.inputs
    assert vocab.decode(vocab.encode(data.inputs)) == data.inputs  # default length: longest


def test_vocab_names_unknown_characters_and_short_lengths():
    vocab = s.CharVocab("0123456789-")
    with pytest.raises(
        ValueError,
        match=r"texts: expected only characters .*'12x4' with unknown character\(s\) \['x'\]",
    ):
        vocab.encode(["12x4"])
    with pytest.raises(ValueError, match="length: expected at least 5 .*received 3"):
        vocab.encode(["12345"], 3)
    with pytest.raises(ValueError, match="texts: expected at least one character"):
        s.CharVocab("")


def test_encode_pairs_shift_for_teacher_forcing():
    data = s.make_dates(20, seed=3)
    iv, ov = s.CharVocab(data.inputs), s.CharVocab("0123456789-")
    a = s.encode_pairs(data.inputs, data.targets, iv, ov, 40, 11)
    np.testing.assert_array_equal(a.decoder_input[:, 1:], a.target[:, :-1])
    assert np.all(a.decoder_input[:, 0] == ov.start_id) and np.all(a.target[:, 10] == ov.end_id)
    assert ov.decode(a.target) == data.targets
    with pytest.raises(ValueError, match="inputs, targets: expected the same number"):
        s.encode_pairs(data.inputs, data.targets[:5], iv, ov, 40, 11)
    # targets are 10 characters: out_length must leave room for the end token
    with pytest.raises(ValueError, match=r"out_length: expected at least 11 .*received 4"):
        s.encode_pairs(data.inputs, data.targets, iv, ov, 40, 4)
    with pytest.raises(TypeError, match="in_length: expected an integer"):
        s.encode_pairs(data.inputs, data.targets, iv, ov, 40.0, 11)
    with pytest.raises(ValueError, match="length: expected at least"):
        s.encode_pairs(data.inputs, data.targets, iv, ov, 3, 11)


@pytest.mark.parametrize(("length", "depth"), [(1, 2), (7, 4), (40, 64), (5, 9)])
def test_positional_encoding(length, depth):
    pe = s.positional_encoding(length, depth)
    assert pe.shape == (length, depth)
    i = np.arange(depth)
    angles = np.arange(length)[:, None] / 10000 ** (2 * (i // 2) / depth)
    np.testing.assert_allclose(pe[:, ::2], np.sin(angles)[:, ::2])
    np.testing.assert_allclose(pe[:, 1::2], np.cos(angles)[:, 1::2])
    with pytest.raises(ValueError, match="depth: expected an integer >= 2"):
        s.positional_encoding(3, 1)


# ------------------------------------------------------------------------ accuracy
def test_sequence_accuracy_ignores_padding():
    target = np.array([[3, 4, 2, 0], [5, 6, 7, 2]])
    pred = np.array([[3, 4, 2, 9], [5, 1, 7, 2]])
    char, exact = s.sequence_accuracy(pred, target)
    assert char == pytest.approx(6 / 7) and exact == 0.5
    with pytest.raises(ValueError, match=r"predicted: expected the shape of target \(2, 4\)"):
        s.sequence_accuracy(pred[:, :3], target)


# ------------------------------------------------------------------------ temperature
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 2.0])
def test_apply_temperature_is_softmax_of_scaled_logits(seed, temperature):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2, size=(3, 7))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    got = s.apply_temperature(probs, temperature)
    want = np.exp(logits / temperature)
    np.testing.assert_allclose(got, want / want.sum(-1, keepdims=True), rtol=1e-9)


def test_temperature_sharpens_and_flattens():
    p = np.array([0.5, 0.3, 0.2])
    cold, hot = s.apply_temperature(p, 0.2), s.apply_temperature(p, 5.0)
    assert cold[0] > 0.9 and np.ptp(hot) < np.ptp(p)
    np.testing.assert_allclose(s.apply_temperature(np.array([0.0, 1.0]), 0.5), [0.0, 1.0])


def test_sample_index_is_seeded_and_follows_probabilities():
    p = np.array([0.1, 0.6, 0.3])
    assert s.sample_index(p, 1.0, 5) == s.sample_index(p, 1.0, 5)
    rng = np.random.default_rng(0)
    draws = np.bincount([s.sample_index(p, 1.0, rng) for _ in range(4000)], minlength=3) / 4000
    np.testing.assert_allclose(draws, p, atol=0.03)
    assert all(s.sample_index(p, 0.01, i) == 1 for i in range(20))


@pytest.mark.parametrize("bad", [0, -1.5])
def test_bad_temperature(bad):
    with pytest.raises(ValueError, match=f"temperature: expected a number > 0, received {bad}"):
        s.apply_temperature(np.array([0.5, 0.5]), bad)
    with pytest.raises(ValueError, match="probs: expected non-negative probabilities summing to 1"):
        s.apply_temperature(np.array([0.5, 0.6]), 1.0)


def test_char_windows():
    vocab = s.CharVocab("abcdef")
    X, y = s.char_windows("abcdefabc", vocab, window=4, step=2)
    assert X.shape == y.shape == (3, 4)
    assert vocab.decode(X) == ["abcd", "cdef", "efab"] and vocab.decode(y) == [
        "bcde",
        "defa",
        "fabc",
    ]
    with pytest.raises(ValueError, match="text: expected at least window \\+ 1 = 10 characters"):
        s.char_windows("abc", vocab, window=9)


# ---------------------------------------------------------------------- Keras models
@pytest.fixture(scope="module")
def task():
    data = s.make_dates(64, seed=0, formats=["dd/mm/yy", "d mon yyyy"], max_dates=2)
    iv, ov = s.CharVocab(data.inputs), s.CharVocab("0123456789- ")
    in_len = max(len(t) for t in data.inputs)
    out_len = max(len(t) for t in data.targets) + 1
    return (
        iv,
        ov,
        in_len,
        out_len,
        s.encode_pairs(data.inputs, data.targets, iv, ov, in_len, out_len),
    )


def _build(kind, iv, ov, in_len, out_len):
    if kind == "transformer":
        return s.build_transformer(len(iv), len(ov), in_len, out_len, d_model=16, heads=2, ff_dim=8)
    return s.build_encoder_decoder(
        len(iv),
        len(ov),
        in_len,
        out_len,
        units=8,
        embed_dim=4,
        attention=kind == "attention",
        context_every_step=kind == "plain+context",
    )


@pytest.mark.parametrize("kind", ["plain", "plain+context", "attention", "transformer"])
def test_models_train_and_greedy_decoding_matches_step_by_step(tf, task, kind):
    iv, ov, in_len, out_len, a = task
    model = _build(kind, iv, ov, in_len, out_len)
    probs = model.predict([a.encoder_input[:4], a.decoder_input[:4]], verbose=0)
    assert probs.shape == (4, out_len, len(ov))
    np.testing.assert_allclose(probs.sum(-1), 1, rtol=1e-5)
    before = model.evaluate([a.encoder_input, a.decoder_input], a.target, verbose=0)[0]
    model.fit([a.encoder_input, a.decoder_input], a.target, epochs=3, batch_size=16, verbose=0)
    after = model.evaluate([a.encoder_input, a.decoder_input], a.target, verbose=0)[0]
    assert after < before

    # the decoder is causal: the output at step t ignores decoder inputs after t
    dec = a.decoder_input[:4].copy()
    base = model.predict([a.encoder_input[:4], dec], verbose=0)
    dec[:, 5:] = 3
    changed = model.predict([a.encoder_input[:4], dec], verbose=0)
    np.testing.assert_allclose(base[:, :5], changed[:, :5], rtol=1e-5, atol=1e-6)

    greedy = s.greedy_decode(model, a.encoder_input[:6], out_len)
    feed = np.concatenate([np.full((6, 1), ov.start_id), greedy[:, :-1]], axis=1)
    np.testing.assert_array_equal(s.teacher_forced_decode(model, a.encoder_input[:6], feed), greedy)


@pytest.mark.parametrize("kind", ["plain", "attention"])
def test_extra_padding_does_not_change_recurrent_models(tf, task, kind):
    iv, ov, in_len, out_len, a = task
    model = _build(kind, iv, ov, in_len, out_len)
    wider = _build(kind, iv, ov, in_len + 5, out_len)
    wider.set_weights(model.get_weights())
    enc_wide = np.pad(a.encoder_input[:5], ((0, 0), (0, 5)))
    np.testing.assert_allclose(
        model.predict([a.encoder_input[:5], a.decoder_input[:5]], verbose=0),
        wider.predict([enc_wide, a.decoder_input[:5]], verbose=0),
        rtol=1e-4,
        atol=1e-6,
    )


@pytest.mark.parametrize("kind", ["plain", "attention", "transformer"])
def test_the_padding_embedding_is_never_read(tf, task, kind):
    iv, ov, in_len, out_len, a = task
    model = _build(kind, iv, ov, in_len, out_len)
    assert np.any(a.encoder_input[:8] == 0)
    x = [a.encoder_input[:8], a.decoder_input[:8]]
    base = model.predict(x, verbose=0)
    emb = model.get_layer("encoder_embedding")
    table = emb.get_weights()[0]
    table[0] = 50.0  # a wild vector for the padding id: masked models must not notice
    emb.set_weights([table])
    np.testing.assert_allclose(model.predict(x, verbose=0), base, rtol=1e-4, atol=1e-6)
    table[3] += 1.0  # ...but they do read real characters
    emb.set_weights([table])
    assert not np.allclose(model.predict(x, verbose=0), base, atol=1e-6)


def test_decoding_helpers_validate_ids_and_batch_size(tf, task):
    iv, ov, in_len, out_len, a = task
    model = _build("attention", iv, ov, in_len, out_len)
    enc, dec = a.encoder_input[:2], a.decoder_input[:2]
    with pytest.raises(ValueError, match="encoder_input: expected integer token ids"):
        s.greedy_decode(model, enc + 0.5, out_len)
    with pytest.raises(ValueError, match=rf"encoder_input: expected ids in \[0, {len(iv)}\)"):
        s.greedy_decode(model, enc + len(iv), out_len)
    with pytest.raises(ValueError, match=rf"decoder_input: expected ids in \[0, {len(ov)}\)"):
        s.teacher_forced_decode(model, enc, np.minimum(dec, 0) - 1)
    with pytest.raises(ValueError, match="batch_size: expected an integer >= 1, received 0"):
        s.greedy_decode(model, enc, out_len, batch_size=0)
    with pytest.raises(ValueError, match="batch_size: expected an integer >= 1, received 0"):
        s.teacher_forced_decode(model, enc, dec, batch_size=0)
    with pytest.raises(ValueError, match=rf"start_id: expected ids in \[0, {len(ov)}\)"):
        s.greedy_decode(model, enc, out_len, start_id=len(ov))
    # integral floats are fine and give the same ids
    np.testing.assert_array_equal(
        s.teacher_forced_decode(model, enc.astype(float), dec),
        s.teacher_forced_decode(model, enc, dec),
    )


@pytest.mark.parametrize("kind", ["attention", "transformer"])
def test_refit_from_seed_trains_like_a_fresh_model_built_after_that_seed(tf, task, kind):
    import dlhelpers

    iv, ov, in_len, out_len, a = task
    x, y = [a.encoder_input[:16], a.decoder_input[:16]], a.target[:16]  # 1 step an epoch
    fit = {"epochs": 2, "batch_size": 16, "verbose": 0}

    def build():  # 2 steps run faster eagerly than the training step traces
        model = _build(kind, iv, ov, in_len, out_len)
        model.run_eagerly = True
        return model

    model = build()
    model.fit(x, y, **fit)  # trained once: weights and optimizer state to be reset
    history = s.refit_from_seed(model, build, 3, x, y, **fit)
    assert len(history.history["loss"]) == 2
    assert int(model.optimizer.iterations) == 2 * len(y) // 16  # the step count restarted
    refit = [w.copy() for w in model.get_weights()]

    dlhelpers.set_seed(3)
    fresh = build()
    fresh.fit(x, y, **fit)
    # float32 through two runs of the same model: equal up to rounding
    for mine, theirs in zip(refit, fresh.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)

    s.refit_from_seed(model, build, 3, x, y, **fit)  # same seed, same model: same run
    for again, first in zip(model.get_weights(), refit, strict=True):
        np.testing.assert_array_equal(again, first)
    s.refit_from_seed(model, build, 4, x, y, **fit)
    assert any(not np.array_equal(w, r) for w, r in zip(model.get_weights(), refit, strict=True))


def test_refit_from_seed_needs_the_same_architecture(tf, task):
    iv, ov, in_len, out_len, a = task
    model = _build("attention", iv, ov, in_len, out_len)
    with pytest.raises(ValueError, match="build: expected a function returning a model with"):
        s.refit_from_seed(
            model, lambda: _build("plain", iv, ov, in_len, out_len), 0, a.encoder_input, a.target
        )


def test_builders_reject_bad_sizes(tf):
    with pytest.raises(ValueError, match="argument `units`, expected a positive integer, got 0"):
        s.build_encoder_decoder(10, 10, 5, 5, units=0)  # Keras' own message
    with pytest.raises(ValueError, match="d_model: expected a multiple of heads=3, received 16"):
        s.build_transformer(10, 10, 5, 5, d_model=16, heads=3)


def test_importing_seq2seq_does_not_load_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys, dlhelpers.seq2seq, dlhelpers.scratch.attention, dlhelpers.plots.attention\n"
        "import dlhelpers.explorers.attention, dlhelpers.exercises.ch07, dlhelpers.inspect.attention\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
