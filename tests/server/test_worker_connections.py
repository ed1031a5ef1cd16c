"""Connections made at once to a ``--workers 2`` server are served by both workers (Linux).

Clients of a server open their connections together (an app starting, a load of 16 clients) and
keep them: whichever worker serves a connection serves every request on it. With one socket
shared by the workers, the first worker to wake accepted every connection then waiting, and the
others idled; now each worker listens on its own socket on the port and the kernel spreads the
connections over them by a hash of their addresses. With 64 connections one worker gets more
than 48 of them with a chance of about 1 in 15,000; with the shared socket, one worker got all 64
in most bursts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.server.databases import DatabaseFactory
from tests.server.processes import prepared_studio, standalone

CONNECTIONS = 64

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the kernel spreads connections on Linux"),
]


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            children = [int(child) for child in task.read_text().split()]
            found += children
            todo += children
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _server_side_inodes(server_port: int) -> dict[int, str]:
    """The inode of the server's end of each connection to ``server_port``, by client port."""
    ends: dict[int, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port:
                ends[int(remote.rsplit(":", 1)[1], 16)] = inode
    return ends


def _one_burst(host: str, port: int, supervisor: int) -> Counter[int]:
    """How many of ``CONNECTIONS`` connections opened together each worker serves."""
    clients = [socket.create_connection((host, port)) for _ in range(CONNECTIONS)]
    try:
        for client in clients:  # all connected before any request: one burst to accept
            client.sendall(b"GET /api/v1/meta HTTP/1.1\r\nHost: test\r\n\r\n")
        for client in clients:  # answered: accepted by a worker, which holds it now
            assert client.recv(64).startswith(b"HTTP/1.1 200")
        ends = _server_side_inodes(port)
        owners = {inode: pid for pid in _descendants(supervisor) for inode in _socket_inodes(pid)}
        return Counter(owners[ends[client.getsockname()[1]]] for client in clients)
    finally:
        for client in clients:
            client.close()


def test_connections_opened_together_are_spread_over_the_workers(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url, _studio = prepared_studio(databases)
    with standalone(url, "--workers", "2", cwd=tmp_path) as server:
        address = urlsplit(server.base_url)
        host, port = address.hostname, address.port
        assert host is not None
        assert port is not None
        # three bursts: with one shared socket each went mostly (often all) to one worker
        bursts = [_one_burst(host, port, server.process.pid) for _ in range(3)]
    for served in bursts:
        assert len(served) == 2, bursts
        assert min(served.values()) >= CONNECTIONS // 4, bursts


def test_a_port_another_server_listens_on_is_refused(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    """Sharing a port is for this server's own workers: another server already listening on it
    (even one sharing its port the same way) makes the start fail, as one process's would."""
    url, _studio = prepared_studio(databases)
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        command = [sys.executable, "-m", "instainstru_desktop.server.cli", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--database-url", url, "--workers", "2"]
        started = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert started.returncode != 0, started.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in started.stderr
