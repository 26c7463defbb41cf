"""Every root-to-end path of each script, flattened for vectorised sampling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


def script_paths(script: dict) -> list[list[tuple[str, int]]]:
    """All paths from ``start`` to an option with ``end`` (no next), as (question_id, option_index) lists."""
    questions = script["questions"]
    paths: list[list[tuple[str, int]]] = []

    def walk(qid: str, trail: list[tuple[str, int]]) -> None:
        for i, opt in enumerate(questions[qid]["options"]):
            step = trail + [(qid, i)]
            if opt.get("next"):
                walk(opt["next"], step)
            else:
                paths.append(step)

    walk(script["start"], [])
    return paths


@dataclass
class PathTable:
    """Paths of all scripts: ``first[p]``/``length[p]`` index the flattened steps."""

    script_paths: dict[str, np.ndarray]     # script code -> global ids of root-to-end paths
    early_paths: dict[str, np.ndarray]      # script code -> global ids of proper prefixes (ended early)
    first: np.ndarray
    length: np.ndarray
    question_id: pa.Array
    question: pa.Array
    answer_index: np.ndarray
    answer: pa.Array

    def steps(self, path_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each chosen path: (row owner position, seq 1.., global step index), flattened."""
        lengths = self.length[path_ids]
        owner = np.repeat(np.arange(len(path_ids)), lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        seq = np.arange(lengths.sum()) - starts + 1
        step = self.first[path_ids][owner] + seq - 1
        return owner, seq, step


def build_path_table(scripts: dict[str, dict]) -> PathTable:
    qids, qtexts, idxs, atexts = [], [], [], []
    first, length = [], []
    per_script: dict[str, np.ndarray] = {}
    per_script_early: dict[str, np.ndarray] = {}
    for code in sorted(scripts):
        script = scripts[code]
        full = script_paths(script)
        prefixes = sorted({tuple(p[:k]) for p in full for k in range(1, len(p))})
        ids, early_ids = [], []
        for path in full + [list(p) for p in prefixes]:
            (ids if len(ids) < len(full) else early_ids).append(len(first))
            first.append(len(qids))
            length.append(len(path))
            for qid, i in path:
                q = script["questions"][qid]
                qids.append(qid)
                qtexts.append(q["text"])
                idxs.append(i)
                atexts.append(q["options"][i]["text"])
        per_script[code] = np.array(ids, dtype=np.int64)
        per_script_early[code] = np.array(early_ids, dtype=np.int64)
    return PathTable(per_script, per_script_early, np.array(first, dtype=np.int64), np.array(length, dtype=np.int64),
                     pa.array(qids, pa.string()), pa.array(qtexts, pa.string()),
                     np.array(idxs, dtype=np.int32), pa.array(atexts, pa.string()))
