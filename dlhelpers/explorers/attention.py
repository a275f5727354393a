"""Explorer for the attention chapter: type a line of dates, see the output and where it looked."""

from __future__ import annotations

import numpy as np

from dlhelpers.explorers._base import Explorer

__all__ = ["AttentionExplorer"]


class AttentionExplorer(Explorer):
    """Decode an input with a trained attention encoder-decoder and draw its attention.

    Nothing is retrained: each change runs greedy decoding (one forward pass per
    output character) and reads the attention weights.

    Args:
        model: a model from ``seq2seq.build_encoder_decoder(..., attention=True)``.
        in_vocab, out_vocab: the ``CharVocab`` used to encode inputs and targets.
        in_length, out_length: the model's input and output lengths.
        examples: strings offered in the drop-down (the first is shown first);
            the box also accepts any typed text.

    Attributes (besides the base class's):
        result: dict with ``text``, ``decoded`` and ``weights`` ``(T_out, T_in)``
            trimmed to the real characters.
    """

    figsize = (7.5, 4)

    def __init__(self, model, in_vocab, out_vocab, in_length: int, out_length: int, examples):
        import ipywidgets as widgets

        names = {layer.name for layer in getattr(model, "layers", [])}
        if "attention" not in names:
            raise ValueError(
                "model: expected an encoder-decoder built with attention=True (a layer named "
                f"'attention'), received {getattr(model, 'name', type(model).__name__)!r} "
                f"with layers {sorted(names)}."
            )
        examples = list(examples)
        if not examples:
            raise ValueError("examples: expected at least one input string, received [].")
        self.model, self.in_vocab, self.out_vocab = model, in_vocab, out_vocab
        self.in_length, self.out_length = in_length, out_length
        controls = {
            "text": widgets.Combobox(
                value=examples[0],
                options=examples,
                ensure_option=False,
                continuous_update=False,
                description="input",
                layout={"width": "420px"},
            ),
        }
        super().__init__(controls, title="Where does the decoder look?")

    def compute(self, text: str):
        from dlhelpers.seq2seq import attention_weights, greedy_decode

        if not text.strip():
            raise ValueError("text: expected some characters to decode, received ''.")
        if len(text) > self.in_length:
            raise ValueError(
                f"text: expected at most {self.in_length} characters, received {len(text)}."
            )
        enc = self.in_vocab.encode([text], self.in_length)  # names unknown characters
        pred = greedy_decode(self.model, enc, self.out_length)
        decoded = self.out_vocab.decode(pred)[0]
        dec_in = np.concatenate([[[self.out_vocab.start_id]], pred[:, :-1]], axis=1)
        weights = attention_weights(self.model, enc, dec_in)[0]
        ids = list(pred[0])
        shown = ids.index(self.out_vocab.end_id) + 1 if self.out_vocab.end_id in ids else len(ids)
        rows = [self.out_vocab.tokens[i] for i in ids[:shown]]
        return {
            "text": text,
            "decoded": decoded,
            "rows": rows,
            "weights": weights[:shown, : len(text)],
        }

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.attention import plot_attention

        ax = fig.add_subplot()
        plot_attention(
            result["weights"],
            result["text"],
            result["rows"],
            ax=ax,
            title=f"{result['text']!r} -> {result['decoded']!r}",
        )
