#!/usr/bin/env python3
"""Run a local Neo4j Community 5.26 (embedded, plain Bolt on loopback, auth on) without Docker.

The engine is resolved from Maven Central by ``pom.xml`` next to this file and started by the
small Java launcher in ``src/``. Standard library only.

Command line::

    python tools/neo4j/local.py start [--home DIR] [--port 7687] [--password PW] [--timeout 180]
                                      [--set key=value ...] [--peers]
    python tools/neo4j/local.py peers   # only resolve the peer plugins (GDS, APOC)
    python tools/neo4j/local.py stop [--home DIR] [--kill]
    python tools/neo4j/local.py status [--home DIR]
    python tools/neo4j/local.py admin [--home DIR] -- database import full neo4j --nodes=...

``start`` prints ``export NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=...`` lines, so
``eval "$(python tools/neo4j/local.py start)"`` sets up a shell.

``--peers`` (``start(..., peers=True)``) also installs the plugins a Neo4j user would install
beside rsn's, for the comparison benchmarks: Graph Data Science and APOC Core, resolved by
``peers/pom.xml`` into target/peers/plugins, which is the plugins folder and is on the
classpath (after Neo4j's own jars); see README.md.

From Python (e.g. a pytest fixture)::

    import local  # tools/neo4j/local.py
    db = local.start(tmp_path / "neo4j", local.free_port(), "test-password")
    ... db.uri, db.user, db.password ...
    db.stop(kill=True)            # abrupt, like a crash
    db = local.start(db.home, db.port, db.password)   # recovers, same data and password
    db.stop()

Environment: NEO4J_PASSWORD (default password), RSN_NEO4J_HEAP (max heap, default 1g),
RSN_NEO4J_JAVA_OPTS (extra JVM flags), JAVA_HOME (java to use).
"""

from __future__ import annotations

import argparse
import fcntl
import filecmp
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
SRC = HERE / "src"
TARGET = HERE / "target"
LIB = TARGET / "lib"
CLASSES = TARGET / "classes"
#: rsn's procedures as a Neo4j plugin; the launcher loads it from this folder like a server.
PLUGINS = TARGET / "plugins"
PLUGIN_JAR = PLUGINS / "rsn-neo4j.jar"
STAMP = TARGET / ".rsn-build-stamp"

#: Graph Data Science and APOC Core with their runtime dependencies (benchmarks only).
PEERS_POM = HERE / "peers" / "pom.xml"
PEERS = TARGET / "peers"
PEERS_ALL = PEERS / "all"  # everything Maven resolved
PEERS_PLUGINS = PEERS / "plugins"  # what the server does not ship already, plus rsn's plugin
PEERS_STAMP = PEERS / ".rsn-peers-stamp"
PEERS_DROPPED = PEERS / "dropped.txt"
#: procedures that need the unrestricted access a server grants them by setting
PEER_PROCEDURES = ("gds.*", "apoc.*")
#: a peer jar is left out when at least this share of its classes is already on the classpath
DUPLICATE_SHARE = 0.5

DEFAULT_HOME = HERE / "run"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7687
DEFAULT_PASSWORD = "rsn-local-dev"  # loopback-only development database
USER = "neo4j"
MAIN_CLASS = "rsn.neo4j.LocalNeo4j"
READY_MARK = "RSN-NEO4J READY"
FAILED_MARK = "RSN-NEO4J FAILED"

PID_FILE = "neo4j.pid"
STATE_FILE = "neo4j.state.json"
LAUNCHER_LOG = "logs/launcher.log"

JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


class Neo4jError(RuntimeError):
    """Start/stop failed; the message says why."""


class MissingToolError(Neo4jError):
    """java or mvn is not installed."""


# ----------------------------------------------------------------------------- helpers


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def bolt_handshake(host: str, port: int, timeout: float = 2.0) -> bool:
    """True if a Bolt server answers the version handshake on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            # magic, then 4 proposals: 5.0-5.4, 4.4, none, none
            s.sendall(b"\x60\x60\xb0\x17" + b"\x00\x04\x04\x05" + b"\x00\x00\x04\x04" + b"\x00" * 8)
            reply = b""
            while len(reply) < 4:
                chunk = s.recv(4 - len(reply))
                if not chunk:
                    return False
                reply += chunk
            return reply != b"\x00\x00\x00\x00"
    except OSError:
        return False


def _port_in_use(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise MissingToolError(
            "java not found: install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
        )
    return java


def _maven(mvn: str, pom: Path, goals: list[str], failure: str) -> None:
    """Run Maven quietly on ``pom`` (in its folder) with ``goals``; raise Neo4jError with
    ``failure`` and the last 40 lines of its output when it fails."""
    proc = subprocess.run(
        [mvn, "-B", "-q", "-f", str(pom), *goals],
        cwd=pom.parent,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout).strip()
        tail = "\n".join(out.splitlines()[-40:])
        raise Neo4jError(f"{failure} (exit {proc.returncode}):\n{tail}")


def _mvn() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise MissingToolError("mvn not found: install Maven 3 (e.g. apt-get install maven)")
    return mvn


def _size_mb(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)\s*", text)
    if not m:
        raise Neo4jError(f"RSN_NEO4J_HEAP must look like 1g or 1536m, got {text!r}")
    n, unit = int(m.group(1)), m.group(2).lower()
    return {"k": n // 1024, "m": n, "g": n * 1024, "": n // (1024 * 1024)}[unit]


def _heap_flags() -> list[str]:
    xmx = _size_mb(os.environ.get("RSN_NEO4J_HEAP", "1g"))
    if xmx < 256:
        raise Neo4jError("RSN_NEO4J_HEAP must be at least 256m")
    return [f"-Xms{min(512, xmx)}m", f"-Xmx{xmx}m"]


def _pw_digest(password: str, salt: str) -> str:
    return hashlib.sha256((salt + "\0" + password).encode()).hexdigest()


# ----------------------------------------------------------------------------- build


def _source_digest() -> str:
    """ "<pom hash> <pom+sources hash>"; the first part decides whether old jars are dropped."""
    pom = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    h = hashlib.sha256()
    for p in [POM, *sorted(f for f in SRC.rglob("*") if f.is_file())]:
        h.update(str(p.relative_to(HERE)).encode() + b"\0" + p.read_bytes() + b"\0")
    return f"{pom} {h.hexdigest()[:32]}"


def build(force: bool = False, quiet: bool = False) -> None:
    """Resolve Neo4j, compile the launcher and package rsn's plugin if needed (target/lib or the
    plugin missing, or sources changed)."""
    digest = _source_digest()

    def fresh() -> bool:
        return (
            not force
            and LIB.is_dir()
            and (CLASSES / "rsn" / "neo4j" / "LocalNeo4j.class").exists()
            and PLUGIN_JAR.exists()
            and STAMP.exists()
            and STAMP.read_text().strip() == digest
        )

    if fresh():
        return
    TARGET.mkdir(exist_ok=True)
    with open(TARGET / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building right now
        if fresh():
            return
        mvn = _mvn()
        _java()
        if not quiet:
            if LIB.is_dir():
                print(
                    "rebuilding the local Neo4j launcher with Maven (pom or source changed)...",
                    file=sys.stderr,
                )
            else:
                print("resolving Neo4j with Maven (first time only)...", file=sys.stderr)
        t0 = time.monotonic()
        old = STAMP.read_text().split() if STAMP.exists() else []
        if LIB.is_dir() and old[:1] != digest.split()[:1]:
            shutil.rmtree(LIB)  # pom changed: drop jars of an older version
        _maven(mvn, POM, ["-DskipTests", "package"], "Maven build failed")
        STAMP.write_text(digest + "\n")
        if not quiet:
            print(f"built in {time.monotonic() - t0:.0f} s", file=sys.stderr)


def _classes(jar: Path) -> list[str]:
    """The class files of ``jar`` (module and multi-release descriptors aside)."""
    with zipfile.ZipFile(jar) as z:
        return [
            n
            for n in z.namelist()
            if n.endswith(".class") and not n.startswith("META-INF/") and n != "module-info.class"
        ]


def _duplicates(candidates: list[Path], shipped: list[Path]) -> dict[Path, str]:
    """The candidate jars the server already ships: those whose classes are mostly on its
    classpath (another version of the same library). Maps each to the jar it duplicates."""
    owner: dict[str, str] = {}
    for jar in shipped:
        for name in _classes(jar):
            owner.setdefault(name, jar.name)
    out = {}
    for jar in candidates:
        names = _classes(jar)
        hits = [owner[n] for n in names if n in owner]
        if names and len(hits) >= DUPLICATE_SHARE * len(names):
            out[jar] = max(set(hits), key=hits.count)
    return out


def build_peers(force: bool = False, quiet: bool = False) -> Path:
    """Resolve Graph Data Science and APOC Core (``peers/pom.xml``) from Maven Central and fill
    target/peers/plugins with the jars the server does not already ship (another version of
    caffeine, jackson, slf4j... on both classpaths breaks one of them), plus rsn's plugin.

    Returns the plugins folder. Raises MissingToolError without mvn/java, Neo4jError if Maven
    fails."""
    build(quiet=quiet)
    digest = hashlib.sha256(PEERS_POM.read_bytes() + STAMP.read_bytes()).hexdigest()[:32]

    def fresh() -> bool:
        return (
            not force
            and PEERS_PLUGINS.is_dir()
            and PEERS_STAMP.exists()
            and PEERS_STAMP.read_text().strip() == digest
        )

    PEERS.mkdir(parents=True, exist_ok=True)
    with open(PEERS / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not fresh():
            if not quiet:
                print("resolving Graph Data Science and APOC with Maven...", file=sys.stderr)
            t0 = time.monotonic()
            for folder in (PEERS_ALL, PEERS_PLUGINS):
                shutil.rmtree(folder, ignore_errors=True)
            _maven(_mvn(), PEERS_POM, ["package"], "Maven could not resolve the peer plugins")
            jars = sorted(PEERS_ALL.glob("*.jar"))
            dropped = _duplicates(jars, sorted(LIB.glob("*.jar")))
            PEERS_PLUGINS.mkdir()
            for jar in jars:
                if jar not in dropped:
                    shutil.copy2(jar, PEERS_PLUGINS / jar.name)
            PEERS_DROPPED.write_text(
                "".join(f"{jar.name} (the server has {dup})\n" for jar, dup in dropped.items())
            )
            PEERS_STAMP.write_text(digest + "\n")
            if not quiet:
                print(
                    f"{len(jars) - len(dropped)} peer jars kept, {len(dropped)} left out as the "
                    f"server ships them (see {PEERS_DROPPED}), in {time.monotonic() - t0:.0f} s",
                    file=sys.stderr,
                )
        mine = PEERS_PLUGINS / PLUGIN_JAR.name  # rsn's plugin, as built last
        if not mine.exists() or not filecmp.cmp(PLUGIN_JAR, mine, shallow=False):
            shutil.copy2(PLUGIN_JAR, mine)
    return PEERS_PLUGINS


def _peer_settings(settings: dict[str, str]) -> dict[str, str]:
    """The settings a server needs to run the peer plugins, merged with ``settings``: their
    procedures unrestricted and, where an allowlist is set, allowed."""
    out = {"server.directories.plugins": str(PEERS_PLUGINS), **settings}
    for key in ("dbms.security.procedures.unrestricted", "dbms.security.procedures.allowlist"):
        given = [v.strip() for v in out.get(key, "").split(",") if v.strip()]
        if key.endswith("allowlist") and not given:
            continue  # no allowlist: every procedure is allowed
        out[key] = ",".join(dict.fromkeys([*given, *PEER_PROCEDURES]))
    return out


# ----------------------------------------------------------------------------- processes


def _proc_state(pid: int) -> str | None:
    """Linux process state letter, or None if unknown/not present."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:  # reap it if it happens to be our child
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _proc_state(pid) != "Z"


def _is_our_launcher(pid: int, home: Path) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)  # no /proc: trust the pid file
    args = [c.decode(errors="replace") for c in cmd]
    return MAIN_CLASS in args and str(home) in args


def _read_state(home: Path) -> dict | None:
    try:
        pid = int((home / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        state = json.loads((home / STATE_FILE).read_text())
    except (OSError, ValueError):
        state = {}
    state["pid"] = pid
    return state


def _clear_state(home: Path) -> None:
    for name in (PID_FILE, STATE_FILE):
        try:
            (home / name).unlink()
        except FileNotFoundError:
            pass


def _spawn_detached(cmd: list[str], cwd: Path, log: Path, env: dict) -> int:
    """Start cmd in its own session, not as our child (no zombie, survives us); return its pid."""
    helper = (
        "import subprocess, sys\n"
        "log = open(sys.argv[1], 'ab', buffering=0)\n"
        "p = subprocess.Popen(sys.argv[3:], cwd=sys.argv[2], stdin=subprocess.DEVNULL,"
        " stdout=log, stderr=subprocess.STDOUT, start_new_session=True)\n"
        "print(p.pid)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", helper, str(log), str(cwd), *cmd],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


def _log_tail(path: Path, offset: int, lines: int = 25) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# ----------------------------------------------------------------------------- API


@dataclass
class LocalNeo4j:
    home: Path
    port: int
    password: str
    pid: int
    host: str = DEFAULT_HOST
    user: str = USER
    startup_seconds: float | None = field(default=None, compare=False)
    peers: bool = field(default=False, compare=False)

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}

    def exports(self) -> str:
        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in self.env().items())

    def is_running(self) -> bool:
        return _alive(self.pid) and bolt_handshake(self.host, self.port)

    def stop(self, kill: bool = False, timeout: float = 60) -> bool:
        """Stop it: SIGTERM (clean) or, with kill=True, SIGKILL (like a crash)."""
        return stop(self.home, kill=kill, timeout=timeout)

    def kill(self) -> bool:
        return self.stop(kill=True)

    def restart(self, timeout: float = 180) -> LocalNeo4j:
        self.stop()
        return start(self.home, self.port, self.password, timeout=timeout, peers=self.peers)

    def __enter__(self) -> LocalNeo4j:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def status(home: Path | str = DEFAULT_HOME) -> LocalNeo4j | None:
    """The running instance for ``home`` (pid alive and Bolt answering), else None."""
    home = Path(home).resolve()
    st = _read_state(home)
    if not st or not _alive(st["pid"]) or not _is_our_launcher(st["pid"], home):
        return None
    port, host = int(st.get("port", DEFAULT_PORT)), st.get("host", DEFAULT_HOST)
    if not bolt_handshake(host, port):
        return None
    return LocalNeo4j(
        home=home, port=port, password="", pid=st["pid"], host=host, peers=bool(st.get("peers"))
    )


def start(
    home: Path | str = DEFAULT_HOME,
    port: int = DEFAULT_PORT,
    password: str | None = None,
    timeout: float = 180,
    *,
    settings: dict[str, str] | None = None,
    host: str = DEFAULT_HOST,
    quiet: bool = False,
    java_options: list[str] | None = None,
    peers: bool = False,
) -> LocalNeo4j:
    """Start Neo4j on ``home`` (created if needed) and wait until Bolt accepts connections.

    If it is already running on this home with the same port and password, return it as is.
    ``settings`` are extra Neo4j settings, e.g. ``{"db.transaction.timeout": "60s"}``;
    ``java_options`` extra JVM flags, after those of RSN_NEO4J_JAVA_OPTS. rsn's plugin
    (target/plugins) is installed unless ``settings`` name another plugins folder.
    ``peers=True`` installs Graph Data Science and APOC Core beside it (``build_peers``): their
    folder is the plugins folder and is on the classpath, after the server's jars.
    """
    home = Path(home).resolve()
    if password is None:
        password = os.environ.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD
    if len(password) < 8 or password == "neo4j":
        raise Neo4jError("the Neo4j password must have at least 8 characters and not be 'neo4j'")
    java = _java()

    st = _read_state(home)
    if st and _alive(st["pid"]) and _is_our_launcher(st["pid"], home):
        if int(st.get("port", -1)) != port:
            raise Neo4jError(
                f"Neo4j already runs on {home} with port {st.get('port')}; stop it first"
            )
        if st.get("pw") != _pw_digest(password, st.get("salt", "")):
            raise Neo4jError(f"Neo4j already runs on {home} with another password; stop it first")
        if bool(st.get("peers")) != peers:
            raise Neo4jError(
                f"Neo4j already runs on {home} "
                f"{'without' if peers else 'with'} the peer plugins; stop it first"
            )
        if bolt_handshake(host, port):
            return LocalNeo4j(
                home=home, port=port, password=password, pid=st["pid"], host=host, peers=peers
            )
        stop(home, timeout=30)  # hung or half started: restart it
    _clear_state(home)

    if _port_in_use(host, port):
        raise Neo4jError(f"port {host}:{port} is already in use by another process")

    build(quiet=quiet)
    classpath = f"{CLASSES}{os.pathsep}{LIB}{os.sep}*"
    chosen = {"server.directories.plugins": str(PLUGINS), **(settings or {})}
    if peers:
        # After the server's jars, not before as a server's start script puts them: APOC Core
        # bundles an older commons-lang3, which would hide the one this Neo4j's
        # commons-configuration2 needs (NoSuchMethodError ObjectUtils.getIfNull at start).
        classpath = f"{classpath}{os.pathsep}{build_peers(quiet=quiet)}{os.sep}*"
        chosen = _peer_settings(settings or {})
    (home / "logs").mkdir(parents=True, exist_ok=True)
    log = home / LAUNCHER_LOG
    offset = log.stat().st_size if log.exists() else 0

    extra_opts = shlex.split(os.environ.get("RSN_NEO4J_JAVA_OPTS", "")) + list(java_options or ())
    cmd = [
        java,
        *_heap_flags(),
        *JVM_FLAGS,
        *extra_opts,
        "-cp",
        classpath,
        MAIN_CLASS,
        "--home",
        str(home),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for k, v in chosen.items():
        cmd += ["--set", f"{k}={v}"]
    env = dict(os.environ, NEO4J_PASSWORD=password)  # not on the command line (ps)
    with open(log, "ab") as f:
        f.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {shlex.join(cmd)}\n".encode())

    t0 = time.monotonic()
    pid = _spawn_detached(cmd, home, log, env)
    (home / PID_FILE).write_text(f"{pid}\n")
    salt = os.urandom(8).hex()
    (home / STATE_FILE).write_text(
        json.dumps(
            {
                "pid": pid,
                "host": host,
                "port": port,
                "salt": salt,
                "pw": _pw_digest(password, salt),
                "started": time.time(),
                "peers": peers,
            }
        )
        + "\n"
    )

    deadline = t0 + timeout
    while True:
        text = _log_tail(log, offset, lines=10_000)
        if READY_MARK in text and bolt_handshake(host, port):
            return LocalNeo4j(
                home=home,
                port=port,
                password=password,
                pid=pid,
                host=host,
                startup_seconds=time.monotonic() - t0,
                peers=peers,
            )
        if not _alive(pid):
            _clear_state(home)
            failed = [line for line in text.splitlines() if FAILED_MARK in line]
            why = failed[-1].split(FAILED_MARK, 1)[1].strip(" :") if failed else "the JVM exited"
            raise Neo4jError(
                f"Neo4j did not start: {why}\n--- {log} (tail) ---\n{_log_tail(log, offset)}"
            )
        if time.monotonic() > deadline:
            stop(home, kill=True)
            raise Neo4jError(
                f"Neo4j did not become ready within {timeout:.0f} s; see {log}\n"
                f"{_log_tail(log, offset)}"
            )
        time.sleep(0.2)


def stop(home: Path | str = DEFAULT_HOME, kill: bool = False, timeout: float = 60) -> bool:
    """Stop the instance on ``home``: SIGTERM, wait up to ``timeout`` s, then SIGKILL.

    ``kill=True`` sends SIGKILL at once (simulates a crash). Returns True if something was
    running. Not running is fine.
    """
    home = Path(home).resolve()
    st = _read_state(home)
    if not st:
        return False
    pid = st["pid"]
    if not _alive(pid) or not _is_our_launcher(pid, home):
        _clear_state(home)
        return False
    if not kill:
        os.kill(pid, signal.SIGTERM)
        end = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < end:
            time.sleep(0.1)
    if _alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)  # own process group (start_new_session)
        except (ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
        end = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < end:
            time.sleep(0.05)
    _clear_state(home)
    return True


def admin(args: list[str], home: Path | str = DEFAULT_HOME, check: bool = True) -> int:
    """Run neo4j-admin (org.neo4j.cli.AdminTool, from the neo4j-command-line jar) on ``home``.

    E.g. ``admin(["database", "import", "full", "neo4j", "--nodes=Person=people.csv"], home)``
    while the instance is stopped (offline import needs a stopped DBMS). Returns the exit code.
    """
    home = Path(home).resolve()
    java = _java()
    build()
    (home / "conf").mkdir(parents=True, exist_ok=True)
    extra_opts = shlex.split(os.environ.get("RSN_NEO4J_JAVA_OPTS", ""))
    cmd = [
        java,
        *_heap_flags(),
        *JVM_FLAGS,
        *extra_opts,
        "-cp",
        f"{CLASSES}{os.pathsep}{LIB}{os.sep}*",
        "org.neo4j.cli.AdminTool",
        *args,
    ]
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    rc = subprocess.run(cmd, env=env, cwd=home).returncode
    if check and rc != 0:
        raise Neo4jError(f"neo4j-admin {' '.join(args[:3])} failed with exit code {rc}")
    return rc


# ----------------------------------------------------------------------------- CLI


def _parse_set(values: list[str]) -> dict[str, str]:
    out = {}
    for kv in values:
        k, sep, v = kv.partition("=")
        if not sep or not k.strip():
            raise SystemExit(f"--set needs key=value, got {kv!r}")
        out[k.strip()] = v.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="local.py", description="Local Neo4j Community 5.26 for rsn (no Docker)."
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_start = sub.add_parser("start", help="build if needed, start, wait, print export lines")
    p_stop = sub.add_parser("stop", help="stop (SIGTERM, then SIGKILL after --timeout)")
    p_status = sub.add_parser("status", help="exit 0 if running, 3 if not")
    sub.add_parser("build", help="only resolve, compile and package the plugin (Maven)")
    sub.add_parser(
        "peers", help="only resolve Graph Data Science and APOC into target/peers/plugins"
    )
    p_admin = sub.add_parser(
        "admin", help="run neo4j-admin on the home, e.g. admin -- database import full ..."
    )
    p_admin.add_argument("args", nargs=argparse.REMAINDER)
    for p in (p_start, p_stop, p_status, p_admin):
        p.add_argument(
            "--home", type=Path, default=DEFAULT_HOME, help=f"data/log dir (default {DEFAULT_HOME})"
        )
    p_start.add_argument("--port", type=int, default=DEFAULT_PORT)
    p_start.add_argument(
        "--password",
        default=None,
        help=f"neo4j user's password (default $NEO4J_PASSWORD or {DEFAULT_PASSWORD})",
    )
    p_start.add_argument("--timeout", type=float, default=180)
    p_start.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra Neo4j setting, e.g. db.transaction.timeout=60s (repeatable)",
    )
    p_start.add_argument(
        "--peers",
        action="store_true",
        help="also install Graph Data Science and APOC Core (for the comparison benchmarks)",
    )
    p_stop.add_argument("--timeout", type=float, default=60)
    p_stop.add_argument("--kill", action="store_true", help="SIGKILL at once")
    a = ap.parse_args(argv)

    try:
        if a.cmd == "build":
            build(force=True)
        elif a.cmd == "peers":
            print(build_peers(force=True))
        elif a.cmd == "admin":
            args = a.args[1:] if a.args[:1] == ["--"] else a.args
            return admin(args, a.home, check=False)
        elif a.cmd == "start":
            db = start(
                a.home, a.port, a.password, a.timeout, settings=_parse_set(a.set), peers=a.peers
            )
            if db.startup_seconds is not None:
                print(
                    f"Neo4j ready on {db.uri} (pid {db.pid}, {db.startup_seconds:.1f} s, "
                    f"home {db.home})",
                    file=sys.stderr,
                )
            else:
                print(
                    f"Neo4j already running on {db.uri} (pid {db.pid}, home {db.home})",
                    file=sys.stderr,
                )
            print(db.exports())
        elif a.cmd == "stop":
            was = stop(a.home, kill=a.kill, timeout=a.timeout)
            print("stopped" if was else "not running", file=sys.stderr)
        elif a.cmd == "status":
            db = status(a.home)
            if db is None:
                print(f"not running (home {Path(a.home).resolve()})")
                return 3
            print(f"running: {db.uri} pid {db.pid} home {db.home}")
    except MissingToolError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Neo4jError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
