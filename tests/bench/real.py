#!/usr/bin/env python3
"""Materializes the `real` benchmark corpus: four AutoGen/AG2 trees pinned to a commit each,
written whole (as a user's checkout has them) under DIR/real/. Prints one line per tree:
`name<TAB>path`. Uses the precision corpus's fetching (local mirrors named by
$KEYWIRE_CORPUS_MIRRORS, else `git clone`), so a tree already there is reused.

    python3 tests/bench/real.py DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
import run as corpus  # noqa: E402

# (label, repository to clone, commit, mirror name)
TREES = [
    ("microsoft/autogen main", "microsoft/autogen", "027ecf0a379bcc1d09956d46d12d44a3ad9cee14", None),
    ("microsoft/autogen 0.2", "microsoft/autogen", "c631b34e212f5fe2fc74218d60470e83c805fd07", None),
    ("AG2 main", "ag2ai/ag2", "f68afd9ea38952d1fd62fa38cc17c4a41dbb44f1", None),
    # AG2 before the classic framework was removed: the public fork shaneholloman/ag2 carries
    # that history; a mirror of ag2ai/ag2 that has it serves as well.
    ("AG2 classic", "shaneholloman/ag2", "a368f00b8eca7bc101169460333ff84fab2494e4", "ag2ai+ag2"),
]


class Tree(corpus.Repo):
    mirror: str | None = None

    @property
    def slug(self) -> str:
        return self.mirror or super().slug


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    work = Path(sys.argv[1]) / "real"
    failed = 0
    for label, name, commit, mirror in TREES:
        repo = Tree(name, commit, "library", ["."])
        repo.mirror = mirror
        tree = corpus.obtain(repo, work)
        if tree is None:
            failed += 1
            continue
        print(f"{label}\t{tree}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
