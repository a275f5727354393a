"""attention_weights reads the weights a model's own attention layer computes."""

import numpy as np
import pytest

from dlhelpers import seq2seq as s
from dlhelpers.inspect.attention import attention_weights


@pytest.fixture(scope="module")
def task():
    data = s.make_dates(24, seed=0, formats=["dd/mm/yy", "d mon yyyy"], max_dates=2)
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


@pytest.mark.parametrize("context_every_step", [False, True])
def test_attention_weights_match_numpy_attention_on_the_model_states(tf, task, context_every_step):
    import keras

    from dlhelpers.scratch import scaled_dot_product_attention

    iv, ov, in_len, out_len, a = task
    model = s.build_encoder_decoder(
        len(iv),
        len(ov),
        in_len,
        out_len,
        units=8,
        embed_dim=4,
        attention=True,
        context_every_step=context_every_step,
    )
    enc, dec = a.encoder_input[:6], a.decoder_input[:6]
    w = attention_weights(model, [enc, dec])
    assert w.shape == (6, out_len, in_len)
    np.testing.assert_allclose(w.sum(-1), 1, rtol=1e-5)
    pads = np.broadcast_to((enc == 0)[:, None, :], w.shape)
    assert pads.any() and np.all(w[pads] < 1e-6)
    # the same weights by hand, from the model's own encoder and decoder states
    states = keras.Model(
        model.inputs,
        [
            model.get_layer("encoder").output[0],
            model.get_layer("decoder").output,
            model.get_layer("attention").output,
        ],
    ).predict_on_batch([enc, dec])
    enc_seq, dec_seq, context = (np.asarray(x, dtype=float) for x in states)
    out, mine = scaled_dot_product_attention(dec_seq, enc_seq, enc_seq, mask=enc != 0, scale=1.0)
    np.testing.assert_allclose(mine, w, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out, context, rtol=1e-4, atol=1e-5)


def test_attention_weights_needs_an_attention_model(tf, task):
    iv, ov, in_len, out_len, a = task
    plain = s.build_encoder_decoder(len(iv), len(ov), in_len, out_len, units=4, embed_dim=2)
    with pytest.raises(ValueError, match="model: expected a model with an attention layer"):
        attention_weights(plain, [a.encoder_input[:2], a.decoder_input[:2]])
    with pytest.raises(
        ValueError, match="layer: expected an attention layer .*Dense layer 'output'"
    ):
        attention_weights(_attention(task), [a.encoder_input[:2], a.decoder_input[:2]], "output")


def _attention(task):
    iv, ov, in_len, out_len, _ = task
    return s.build_encoder_decoder(len(iv), len(ov), in_len, out_len, units=8, attention=True)


def test_attention_weights_of_a_transformer_have_one_map_per_head(tf, task):
    iv, ov, in_len, out_len, a = task
    model = s.build_transformer(len(iv), len(ov), in_len, out_len, d_model=8, heads=2, ff_dim=8)
    x = [a.encoder_input[:3], a.decoder_input[:3]]
    cross = attention_weights(model, x, "decoder_cross_attention")
    assert cross.shape == (3, 2, out_len, in_len)
    np.testing.assert_allclose(cross.sum(-1), 1, rtol=1e-5)
    assert np.all(
        cross[np.broadcast_to((a.encoder_input[:3] == 0)[:, None, None], cross.shape)] < 1e-6
    )
    causal = attention_weights(model, x, "decoder_self_attention")
    assert np.all(np.triu(np.ones((out_len, out_len)), 1)[None, None] * causal < 1e-6)
