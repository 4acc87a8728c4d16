"""The peer for bench/search.py's side-by-side mode: stock CKAN with GSA's ckanext-pgsearch.

Everything lives outside the repository, under ``--peer-dir`` (default
``/var/tmp/territorio-bench/pgsearch``): a virtualenv with CKAN from PyPI (the
version pinned in deploy/constraints.txt, its dependencies held to the same
pins), a clone of ckanext-pgsearch taken from ``--pgsearch-repo`` (any git
directory ``git clone`` accepts; GitHub is not reachable from the benchmark
machine, so mirror https://github.com/GSA/ckanext-pgsearch first and pass its
path), its own database and its own ini. pgsearch's README asks for a CKAN core
patch (GSA/ckan@1af1607: ``check_solr_schema_version`` returns False when the
Solr schema cannot be fetched); it is applied to the throwaway virtualenv's copy
of CKAN only.

Seeding runs inside that virtualenv (``python pgsearch_peer.py seed INI N``):
the same generator as ours (bench/corpus.py), with our scheming fields turned
into CKAN extras, which stock CKAN keeps.
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_DIR = Path("/var/tmp/territorio-bench/pgsearch")
DATABASE = "ckan_bench_pgsearch"
REDIS_DB = 11
# The patch pgsearch's README points to, applied to the throwaway copy only.
_SCHEMA_FETCH = "    # Try to get the schema XML file to extract the version\n    if not schema_file:\n"
_PATCHED = (
    "    # Try to get the schema XML file to extract the version\n"
    "    if not schema_file:\n"
    "        try:  # territorio bench: GSA/ckan@1af1607, no Solr -> no check\n"
    "            _get_schema_from_solr(SOLR_SCHEMA_FILE_OFFSET_MANAGED)\n"
    "        except Exception:\n"
    "            return False\n"
)
_EXTRAS = ("dimension", "region", "comuna", "frequency", "personal_data")


def _run(command: list[str], log: Path, **kwargs: Any) -> None:
    with log.open("ab") as out:
        out.write(("\n$ " + " ".join(command) + "\n").encode())
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    if result.returncode:
        raise SystemExit(f"falló: {' '.join(command)} (vea {log})")


def _pg_super(sql: str) -> str:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-At", "-d", "postgres", "-c", sql],
        check=True, capture_output=True, text=True, cwd="/",
    ).stdout.strip()


def database_url(ours_url: str) -> str:
    """Our database URL with the peer's database name (same role, same server)."""
    return re.sub(r"/[^/?]+(\?|$)", f"/{DATABASE}\\1", ours_url, count=1)


def install(peer_dir: Path, pgsearch_repo: Path, log: Path) -> Path:
    """The peer's virtualenv (created once): CKAN from PyPI, pgsearch, the core patch."""
    venv = peer_dir / "venv"
    python = venv / "bin" / "python"
    if (venv / ".territorio-ready").exists():
        return python
    if not (pgsearch_repo / "HEAD").exists() and not (pgsearch_repo / ".git").exists():
        raise SystemExit(
            f"{pgsearch_repo} no es un repositorio git: refleje "
            "https://github.com/GSA/ckanext-pgsearch (git clone --mirror) y pase su ruta "
            "con --pgsearch-repo"
        )
    peer_dir.mkdir(parents=True, exist_ok=True)
    print(f"  virtualenv del par en {venv} (CKAN de PyPI, ckanext-pgsearch de {pgsearch_repo})")
    _run([sys.executable, "-m", "venv", str(venv)], log)
    constraints = ROOT / "deploy" / "constraints.txt"
    pin = next(
        line.strip() for line in constraints.read_text().splitlines() if line.startswith("ckan==")
    )
    pip = [str(python), "-m", "pip", "install", "-q", "-c", str(constraints)]
    _run(pip + ["setuptools<80", "wheel"], log)
    _run(pip + [pin.replace("ckan==", "ckan[requirements]=="), "gunicorn", "urllib3"], log)
    source = peer_dir / "ckanext-pgsearch"
    if not source.exists():
        _run(["git", "clone", "-q", str(pgsearch_repo), str(source)], log)
    _run(pip + ["--no-build-isolation", str(source)], log)
    search_init = Path(subprocess.run(
        [str(python), "-c", "import importlib.util as u; "
         "print(u.find_spec('ckan').submodule_search_locations[0])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()) / "lib" / "search" / "__init__.py"
    text = search_init.read_text()
    if "territorio bench" not in text:
        if _SCHEMA_FETCH not in text:
            raise SystemExit(f"no se encontró dónde aplicar el parche de pgsearch en {search_init}")
        search_init.write_text(text.replace(_SCHEMA_FETCH, _PATCHED, 1))
    (venv / ".territorio-ready").touch()
    return python


def configure(peer_dir: Path, python: Path, db_url: str, log: Path) -> Path:
    """The peer's database (created once) and ini: plugin pgsearch, no Solr."""
    owner = re.match(r"postgresql://([^:@/]+)", db_url)
    if _pg_super(f"SELECT count(*) FROM pg_database WHERE datname = '{DATABASE}'") != "1":
        role = owner.group(1) if owner else "ckan_default"
        _pg_super(f"CREATE DATABASE {DATABASE} OWNER {role} ENCODING 'UTF8' TEMPLATE template0")
    ini = peer_dir / "ckan.ini"
    ckan = str(python.with_name("ckan"))
    if not ini.exists():
        _run([ckan, "generate", "config", str(ini)], log)
    storage = peer_dir / "storage"
    storage.mkdir(exist_ok=True)
    settings = {
        "sqlalchemy.url": db_url,
        "ckan.site_url": "http://127.0.0.1",
        "solr_url": "http://placeholder-value.local",
        "ckan.redis.url": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "ckan.plugins": "pgsearch",
        "ckan.storage_path": str(storage),
        "ckan.auth.create_unowned_dataset": "true",
    }
    _run([ckan, "config-tool", str(ini), *[f"{k}={v}" for k, v in settings.items()]], log)
    _run([ckan, "config-tool", str(ini), "-s", "logger_root", "level=WARNING"], log)
    _run([ckan, "-c", str(ini), "db", "init"], log)
    os.chmod(ini, 0o600)
    return ini


def stock_dataset(index: int, rng: random.Random, orgs: list[dict[str, Any]]) -> dict[str, Any]:
    """bench/corpus.py's dataset, its scheming fields as extras (what stock CKAN keeps)."""
    import corpus

    data = corpus.dataset(index, rng, orgs)
    extras = []
    for key in _EXTRAS:
        value = data.pop(key, None)
        if value is not None:
            extras.append({"key": key, "value": value if isinstance(value, str) else ",".join(value)})
    data["extras"] = extras
    return data


def seed_here(ini: str, target: int, organizations: int) -> None:
    """Create the corpus with stock CKAN's actions (runs inside the peer's virtualenv)."""
    sys.path.insert(0, str(BENCH))
    import logging

    import corpus
    import sqlalchemy as sa
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    # one warning per resource: stock CKAN's default views name plugins that are not loaded
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model

        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site_user, "ignore_auth": True}
        orgs = []
        for name, title in corpus.organization_names(organizations):
            try:
                orgs.append(tk.get_action("organization_show")(dict(context), {"id": name}))
            except tk.ObjectNotFound:
                orgs.append(tk.get_action("organization_create")(
                    dict(context), {"name": name, "title": title}))
        existing = model.Session.query(model.Package).filter(
            model.Package.name.like("bench-%")).count()
        rng = random.Random(20261124 + existing)
        started = time.perf_counter()
        for index in range(existing, target):
            create = dict(context, defer_commit=True, return_id_only=True)
            tk.get_action("package_create")(create, stock_dataset(index, rng, orgs))
            if (index + 1) % 200 == 0 or index + 1 == target:
                model.repo.commit()
                rate = (index + 1 - existing) / (time.perf_counter() - started)
                print(f"\r  par: sembrados {index + 1:>6}/{target} ({rate:.0f}/s)", end="", flush=True)
        if target > existing:
            print()
        model.Session.execute(sa.text("ANALYZE"))
        model.repo.commit()


def seed(python: Path, ini: Path, target: int, organizations: int) -> None:
    """Seed the peer through its own virtualenv."""
    subprocess.run(
        [str(python), str(Path(__file__).resolve()), "seed", str(ini), str(target), str(organizations)],
        check=True,
    )


def serve(python: Path, ini: Path, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The peer under its own gunicorn, ``workers`` sync workers, on a free port."""
    sys.path.insert(0, str(BENCH))
    import portal_server

    wsgi = ini.with_name("wsgi.py")
    wsgi.write_text(
        "import os\nfrom ckan.cli import CKANConfigLoader\n"
        "from ckan.config.middleware import make_app\n"
        "application = make_app(CKANConfigLoader(os.environ['CKAN_INI']).get_config())\n"
    )
    return portal_server.serve(
        ini, log, ["--workers", str(workers)], wait=120,
        gunicorn=python.with_name("gunicorn"), pythonpath=ini.parent,
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "seed":
        seed_here(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(f"uso: {sys.argv[0]} seed INI N ORGANIZACIONES (lo llama bench/search.py)")
