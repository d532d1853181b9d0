"""The server's ed25519 host key: created once, never replaced behind anyone's back."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh

FILE_NAME = "ssh_host_ed25519_key"


class HostKeyError(Exception):
    """The host key exists but cannot be used; the message says what to do."""


def load_or_create(room_dir: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The host key in `room_dir` and whether it was created just now.

    A new key is written with mode 600 and O_EXCL, so two servers starting at
    once cannot both write one. An unreadable key is an error, not a reason to
    make a new one: participants would see a changed fingerprint.
    """
    path = Path(room_dir) / FILE_NAME
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise HostKeyError(f"{path} is readable by others (mode {mode:o}); "
                               f"run: chmod 600 {path}")
        try:
            return asyncssh.read_private_key(path), False
        except (OSError, asyncssh.KeyImportError) as exc:
            raise HostKeyError(f"cannot read the host key {path}: {exc}. It is kept as it "
                               "is; move it away yourself to make a new one (participants "
                               "will then see a new fingerprint).") from exc
    key = asyncssh.generate_private_key("ssh-ed25519", comment="dltutor workshop")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create(room_dir)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key("openssh"))
    return key, True


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")
