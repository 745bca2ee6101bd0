"""A private jieba segmenter with the shop-term dictionary loaded.

jieba keeps one global dictionary per process; ``jieba.load_userdict`` on it
changes segmentation for every caller. A ``jieba.Tokenizer`` instance has its
own dictionary, so the NLU tokenizer and the spaCy entity component share one
instance per dictionary directory and leave the global one alone.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

import jieba

jieba.setLogLevel(logging.WARNING)

_CACHE: Dict[Tuple[str | None, bool], Segmenter] = {}
_LOCK = threading.Lock()
_LETTERS_THEN_DIGITS = re.compile(r"(?<=[A-Za-z])(?=[0-9])")


def dictionary_files(directory: Path) -> List[Path]:
    """The jieba dictionary files of a directory, in a stable order."""
    return sorted(p for p in directory.glob("*.txt") if p.is_file())


class Segmenter:
    """Segments text into ``(word, start)`` pairs; whitespace never becomes a token."""

    def __init__(self, dictionary_dir: Path | None = None, hmm: bool = False) -> None:
        self.hmm = hmm
        self.dictionary_dir = dictionary_dir
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.user_words: List[str] = []
        if dictionary_dir is not None:
            for path in dictionary_files(dictionary_dir):
                self._jieba.load_userdict(str(path))
                self.user_words.extend(_words_of(path))

    @classmethod
    def shared(cls, dictionary_dir: Path | None = None, hmm: bool = False) -> Segmenter:
        """One segmenter per (dictionary directory, hmm) in this process."""
        key = (str(dictionary_dir) if dictionary_dir else None, hmm)
        with _LOCK:
            if key not in _CACHE:
                _CACHE[key] = cls(dictionary_dir, hmm)
            return _CACHE[key]

    def add_words(self, words: Iterable[str], freq: int = 80000) -> None:
        for word in words:
            self._jieba.add_word(word, freq)
            self.user_words.append(word)

    def tokenize(self, text: str) -> Iterator[Tuple[str, int]]:
        for word, start, _end in self._jieba.tokenize(text, HMM=self.hmm):
            if not word.strip():
                continue
            # jieba keeps ASCII runs whole: split "170cm65" / "iPhone15" where letters
            # are followed by digits, so a height and a weight are separate tokens.
            offset = 0
            for part in _LETTERS_THEN_DIGITS.split(word):
                if part:
                    yield part, start + offset
                    offset += len(part)

    def words(self, text: str) -> List[str]:
        return [word for word, _ in self.tokenize(text)]


def _words_of(path: Path) -> List[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words
