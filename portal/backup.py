"""Backup and restore of the portal's data: the database and the uploaded files, checked by a SHA-256 manifest.

A backup is one directory:

    manifest.json      format, time, the database's engine, dump file, size and SHA-256, and every media file's
                       SHA-256 and size (paths relative to MEDIA_ROOT)
    database.dump      PostgreSQL: pg_dump's custom format (no owners, no privileges: restorable under another role)
    database.sqlite3   SQLite (embedded mode): a consistent copy made with SQLite's online backup API
    media/...          MEDIA_ROOT's files under the same relative paths

The database is dumped first (one consistent snapshot), the files copied after: every file a row of the dump names
is then in the backup (evidence and packets are written before the row that names them commits). A restore checks
every hash before it changes anything, restores the database, then writes the files (each through a temporary file,
checked again after writing). Files of MEDIA_ROOT that the backup does not list are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
PROBLEMS_SHOWN = 10


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}


def engine_of(database: Mapping[str, Any]) -> str:
    engine = ENGINES.get(str(database["ENGINE"]), "")
    if engine not in DUMPS:
        raise BackupError(f"Cannot back up a database of engine {database['ENGINE']}: only PostgreSQL and SQLite.")
    return engine


# ---- backup --------------------------------------------------------------------------------------------------------


def create_backup(target: Path, *, database: Mapping[str, Any], media_root: Path, now: dt.datetime) -> dict[str, Any]:
    """Write a backup of `database` (Django's settings of one connection) and `media_root` into `target`, which must
    not exist or be empty. Returns the manifest. Raises BackupError (the directory may then hold a partial backup,
    without manifest.json, which restore refuses)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty directory: a backup never writes over another.")
    target.mkdir(parents=True, exist_ok=True)
    engine = engine_of(database)
    dump = target / DUMPS[engine]
    if engine == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], database)
    else:
        _sqlite_copy(Path(database["NAME"]), dump)
    files = dict(_copy_media(media_root, target / MEDIA))
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database": {"engine": engine, "file": dump.name, "size": dump.stat().st_size, "sha256": sha256_file(dump)},
        "media": {"count": len(files), "size": sum(item["size"] for item in files.values()), "files": files},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return manifest


def _copy_media(root: Path, target: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        digest, size = _copy_hashing(path, target / relative)
        yield relative, {"sha256": digest, "size": size}


def _copy_hashing(source: Path, destination: Path) -> tuple[str, int]:
    """Copy a file and return the SHA-256 and size of the bytes written (read once)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, destination.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    shutil.copystat(source, destination)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---- restore -------------------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a backup, or an unfinished one.") from error
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is of format {manifest.get('format')!r}; this portal reads format {FORMAT}.")
    return manifest


def verify_backup(source: Path) -> dict[str, Any]:
    """The manifest, once the database file and every media file match their size and SHA-256 in it.

    Raises BackupError naming the first problems (missing, changed or misplaced files)."""
    manifest = read_manifest(source)
    database = manifest["database"]
    problems = _file_problems(source / database["file"], database, name=database["file"])
    for relative, expected in manifest["media"]["files"].items():
        path = _inside(source / MEDIA, relative)
        problems += (
            [f"{relative}: its path leaves the media directory"]
            if path is None
            else _file_problems(path, expected, name=f"{MEDIA}/{relative}")
        )
    if problems:
        shown = "; ".join(problems[:PROBLEMS_SHOWN])
        more = f" (and {len(problems) - PROBLEMS_SHOWN} more)" if len(problems) > PROBLEMS_SHOWN else ""
        raise BackupError(f"The backup in {source} does not match its manifest: {shown}{more}.")
    return manifest


def _file_problems(path: Path, expected: Mapping[str, Any], *, name: str) -> list[str]:
    if not path.is_file():
        return [f"{name} is missing"]
    if path.stat().st_size != expected["size"] or sha256_file(path) != expected["sha256"]:
        return [f"{name} differs from the manifest (size or SHA-256)"]
    return []


def _inside(root: Path, relative: str) -> Path | None:
    """root/relative, or None when the manifest's path would lead outside root (absolute, or with "..")."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    return root.joinpath(*pure.parts)


def restore_backup(source: Path, *, database: Mapping[str, Any], media_root: Path) -> dict[str, Any]:
    """Check the backup in `source`, then restore its database into `database` (Django's settings of a connection:
    the database must exist; what the dump holds replaces what is there) and its files into `media_root`.

    Raises BackupError before changing anything when the backup does not match its manifest or was made from
    another engine. The caller closes its own connections to `database` first."""
    manifest = verify_backup(source)
    engine = engine_of(database)
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"The backup holds a {manifest['database']['engine']} database; the target is {engine}.")
    dump = source / manifest["database"]["file"]
    if engine == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={database['NAME']}",
                str(dump),
            ],
            database,
        )
    else:
        _sqlite_copy(dump, Path(database["NAME"]))
    for relative, expected in manifest["media"]["files"].items():
        _restore_file(source / MEDIA, media_root, relative, expected)
    return manifest


def _restore_file(source_root: Path, media_root: Path, relative: str, expected: Mapping[str, Any]) -> None:
    source, destination = _inside(source_root, relative), _inside(media_root, relative)
    if source is None or destination is None:  # verify_backup has refused it already
        raise BackupError(f"{relative}: its path leaves the media directory")
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=destination.parent, prefix=".restoring-")
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        digest, _size = _copy_hashing(source, temporary)
        if digest != expected["sha256"]:
            raise BackupError(f"{relative} changed while it was being restored (SHA-256 differs).")
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)


# ---- the tools -----------------------------------------------------------------------------------------------------


def _run(command: list[str], database: Mapping[str, Any]) -> None:
    """Run pg_dump or pg_restore against `database`, connection settings in libpq's environment variables (so that
    the password never shows in the process list)."""
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client); its major version must be "
            "at least the server's."
        )
    environment = {**os.environ, **_libpq_environment(database)}
    done = subprocess.run(  # noqa: S603 -- a fixed program and arguments, no shell
        [program, *command[1:]], env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _libpq_environment(database: Mapping[str, Any]) -> dict[str, str]:
    options = database.get("OPTIONS") or {}
    values = {
        "PGDATABASE": database.get("NAME"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGSSLMODE": options.get("sslmode"),
    }
    return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (WAL included) through SQLite's online backup API."""
    if not source.is_file():
        raise BackupError(f"The SQLite database {source} does not exist.")
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(source)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
