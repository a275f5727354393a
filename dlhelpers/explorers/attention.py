"""Explorer for the attention chapter: type a line of dates, see the output and where it looked."""

from __future__ import annotations

import numpy as np

from dlhelpers.explorers._base import Explorer

__all__ = ["AttentionExplorer"]


class AttentionExplorer(Explorer):
    """Decode an input with a trained attention encoder-decoder and draw its attention.

    Nothing is retrained or built (so no ``busy_text`` and no code view): each change
    runs greedy decoding (one forward pass per output character) and reads the weights.

    Args:
        model: a trained encoder-decoder with a ``keras.layers.Attention`` layer.
        in_vocab, out_vocab: the ``CharVocab`` used to encode inputs and targets.
        in_length, out_length: the model's input and output lengths.
        examples: strings offered in the drop-down (the first is shown first); the box
            also accepts any typed text.

    Attributes (besides the base class's):
        result: dict with ``text``, ``decoded``, ``rows`` (the output characters) and
            ``weights`` ``(T_out, T_in)`` trimmed to the real characters.
    """

    figsize = (7.5, 4)

    def __init__(self, model, in_vocab, out_vocab, in_length: int, out_length: int, examples):
        import ipywidgets as widgets

        kinds = [type(layer).__name__ for layer in getattr(model, "layers", [])]
        if "Attention" not in kinds:
            raise ValueError(
                "model: expected an encoder-decoder with an Attention layer, received "
                f"{getattr(model, 'name', type(model).__name__)!r} with layers {kinds}."
            )
        examples = list(examples)
        if not examples:
            raise ValueError("examples: expected at least one input string, received [].")
        self.model, self.in_vocab, self.out_vocab = model, in_vocab, out_vocab
        self.in_length, self.out_length = in_length, out_length
        text = widgets.Combobox(
            value=examples[0],
            options=examples,
            ensure_option=False,
            continuous_update=False,
            description="input",
            layout={"width": "420px"},
        )
        super().__init__({"text": text}, title="Where does the decoder look?")

    def compute(self, text: str):
        from dlhelpers.inspect.attention import attention_weights
        from dlhelpers.seq2seq import greedy_decode

        if not text.strip():
            raise ValueError("text: expected some characters to decode, received ''.")
        if len(text) > self.in_length:
            raise ValueError(
                f"text: expected at most {self.in_length} characters, received {len(text)}."
            )
        enc = self.in_vocab.encode([text], self.in_length)  # names unknown characters
        pred = greedy_decode(self.model, enc, self.out_length)
        dec_in = np.concatenate([[[self.out_vocab.start_id]], pred[:, :-1]], axis=1)
        weights = attention_weights(self.model, [enc, dec_in])[0]
        ids = list(pred[0])
        shown = ids.index(self.out_vocab.end_id) + 1 if self.out_vocab.end_id in ids else len(ids)
        return {
            "text": text,
            "decoded": self.out_vocab.decode(pred)[0],
            "rows": [self.out_vocab.tokens[i] for i in ids[:shown]],
            "weights": weights[:shown, : len(text)],
        }

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.attention import plot_attention

        title = f"{result['text']!r} -> {result['decoded']!r}"
        plot_attention(
            result["weights"], result["text"], result["rows"], ax=fig.add_subplot(), title=title
        )
