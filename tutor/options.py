"""How one dltutor session is started: what the CLI parsed, what tests set."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppOptions:
    content_dir: Path
    """Folder of decks to load."""
    state_dir: Path
    """Folder holding the progress file."""
    participant: str | None = None
    """Whose progress this is (default: the OS user name)."""
    room_link: int | None = None
    """In a workshop session: the file descriptor of the link to the server,
    which writes the room database (see `tutor.progress_write.RoomLink`)."""
    deck: str | None = None
    """Open this deck straight away instead of the library."""
    slide: str | None = None
    """With `deck`: open at this slide id or 1-based number."""
    quiz: bool = False
    """With `deck`: go straight into its quiz."""
    ascii: bool = False
    """Draw with plain ASCII characters only."""
    seed: int | None = None
    """Seed of quiz draws (tests fix it; None draws afresh each round)."""
    screenshot_dir: Path | None = None
    """Where F2 saves screenshots (None: the current directory)."""
    warm_up: bool = True
    """Compile the open deck's demo kernels in the background (tests turn it
    off: they compile what they use, and a low-priority compile holding
    numba's lock would only make them wait)."""
