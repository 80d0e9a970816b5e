"""Best tag paths under a transition matrix (the decoding of a linear-chain CRF).

`best_paths` takes any transition scores (the LAC analyser's learned CRF);
`best_allowed_paths` is the same search when transitions are only allowed
or forbidden (``kaocha_tag_ner``'s BILUO rules), several times faster.
"""

from __future__ import annotations

import numpy as np


def best_paths(emissions: np.ndarray, lengths: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Best tag ids of each row (``emissions``: batch × time × tags), each up to its own length.

    ``transitions[previous, next]`` is added to a path's score for each step.
    The forward pass keeps only the best score of each tag at each step (a
    max, two to three times faster in numpy than an argmax over the same
    axis); the backward pass recomputes the one back-pointer each row needs
    from the same float32 sums, so ties go to the lowest tag id exactly as an
    argmax over all back-pointers would.
    """
    batch, steps, n = emissions.shape
    by_step = np.ascontiguousarray(emissions.transpose(1, 0, 2))  # time × batch × tags
    scores = np.empty_like(by_step)
    scores[0] = by_step[0]
    candidates = np.empty((batch, n, n), dtype=np.result_type(emissions, transitions))
    for t in range(1, steps):
        np.add(scores[t - 1][:, :, None], transitions, out=candidates)  # batch × previous × next
        np.max(candidates, axis=1, out=scores[t])
        scores[t] += by_step[t]
    return _backtrack(scores, lengths, transitions)


def best_allowed_paths(emissions: np.ndarray, lengths: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """`best_paths` with ``transitions = 0 where allowed[previous, next] else -inf``.

    The tags allowed before each tag must fall into disjoint groups (for
    BILUO: every closed tag before O, B- and U-; B-X and I-X before I-X and
    L-X). Then the best previous score of a tag is the best score of its
    group, one `np.maximum.reduceat` per step instead of a max over all
    tag pairs. A path that needs a forbidden step is never chosen (in
    `best_paths` it would be, were every path forbidden).
    """
    allowed = np.asarray(allowed, dtype=bool)
    groups, group_of = np.unique(allowed.T, axis=0, return_inverse=True)  # one row per distinct set
    members = [np.flatnonzero(group) for group in groups]
    if not all(len(m) for m in members):
        raise ValueError("every tag needs a tag allowed before it")
    if sum(map(len, members)) != len({int(i) for m in members for i in m}):
        raise ValueError("the tags allowed before each tag do not form disjoint groups")
    order = np.concatenate(members)
    starts = np.cumsum([0] + [len(m) for m in members[:-1]])
    group_of = np.asarray(group_of).reshape(-1)
    by_step = np.ascontiguousarray(emissions.transpose(1, 0, 2))
    scores = np.empty_like(by_step)
    scores[0] = by_step[0]
    for t in range(1, len(by_step)):
        best = np.maximum.reduceat(scores[t - 1][:, order], starts, axis=1)  # batch × groups
        np.add(best[:, group_of], by_step[t], out=scores[t])
    transitions = np.where(allowed, 0.0, -np.inf).astype(scores.dtype)
    return _backtrack(scores, lengths, transitions)


def _backtrack(scores: np.ndarray, lengths: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """The best path of each row (batch × time) from the forward scores (time × batch × tags).

    A row's positions past its length repeat its last tag.
    """
    steps, batch, _ = scores.shape
    last = lengths - 1
    into = np.ascontiguousarray(transitions.T)  # into[next] = scores of every previous tag before it
    path = np.empty((steps, batch), dtype=np.int64)
    current = scores[last, np.arange(batch)].argmax(axis=1)
    path[steps - 1] = current
    for t in range(steps - 1, 0, -1):
        previous = (scores[t - 1] + into[current]).argmax(axis=1)
        current = np.where(t <= last, previous, current)  # rows that reach position t step back
        path[t - 1] = current
    return path.T
