"""Who may reach the page: a login with a pause after each wrong password, and the checks
`assistant serve` makes before it indexes (an address anyone can reach needs a login; a port
in use is named). No Gradio here, so the CLI checks before importing it."""

from __future__ import annotations

import asyncio
import hmac
import socket

from .errors import ConfigurationError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoginGuard:
    """Gradio's login check: constant-time comparison, and a pause after each wrong password.

    Failed attempts take turns through one lock and each holds it for `delay` seconds, so a
    guesser gets at most one try per `delay` however many connections it opens (without it,
    20 tries took 0.2 s). A right password never waits. It is a coroutine so the pause holds
    no server thread: the page keeps answering other users meanwhile.
    """

    def __init__(self, user: str, password: str, delay: float = 1.0) -> None:
        self._user = user.encode("utf-8")
        self._password = password.encode("utf-8")
        self.delay = delay
        self._turn = asyncio.Lock()  # binds to the server's event loop on first use

    async def check(self, user: str, password: str) -> bool:
        """Gradio awaits this only if it is a coroutine function (a callable object with an
        async `__call__` is not one, and its un-awaited coroutine would count as a yes)."""
        ok_user = hmac.compare_digest(user.encode("utf-8", "replace"), self._user)
        ok_password = hmac.compare_digest(password.encode("utf-8", "replace"), self._password)
        if ok_user and ok_password:
            return True
        async with self._turn:
            await asyncio.sleep(self.delay)
        return False


def check_exposure(host: str, auth: str | None, no_auth: bool) -> tuple[str, str] | None:
    """Credentials to launch with. Anything but loopback needs them, or an explicit no-auth."""
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise ConfigurationError("--auth / ASSISTANT_AUTH must be user:password")
        return user, password
    if host not in LOOPBACK and not no_auth:
        raise ConfigurationError(
            f"serving on {host} would let anyone who can reach it read your documents; give "
            "--auth user:password (or ASSISTANT_AUTH), or --no-auth if that is really meant")
    return None


def check_port(host: str, port: int) -> None:
    """Fail now, before indexing, if the address is taken (another `assistant serve`?)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        # As uvicorn binds: connections of a server stopped a moment ago linger in TIME_WAIT
        # for a minute or more, and must not keep the next `assistant serve` from starting.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}); stop what is using it "
                "(another `assistant serve`?) or choose another with --port / ASSISTANT_PORT"
            ) from None
