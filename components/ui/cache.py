"""The one way to cache a query: keyed by the database, its data version and the arguments.

::

    @cached_query
    def _totals(engine: Engine, scope: Scope) -> ProgramTotals:
        return program_totals(engine, scope)

A cached function takes the engine first; its other arguments (which carry
the viewer's ``Scope`` or ``Filters`` where the query depends on them) key
the result, together with the database URL and the **data version**
(:func:`tandem.program.data_version.data_version`): a value that changes as soon as
any write has committed, from this app, another replica or the command line.
So every run sees every write committed before its first cached read, and a
run over unchanged data is served from memory.

The version is read once per script run, before its first cached query (and
again after the run's own commits: a write in a callback or in the page), so
a page pays one version query however many cached reads it makes.  An argument whose name
starts with ``_`` is not part of the key (Streamlit's rule): pass another
argument that identifies it.

One policy for every query: ``MAX_ENTRIES`` results per function, copied on
each read (``st.cache_data``).  ``shared=True`` keeps large read-only results
(a rebalancing plan) without copying them, ``SHARED_MAX_ENTRIES`` per
function (``st.cache_resource``).  The time limit only bounds memory: results
of an older data version are never asked for again and age out.

``cached_file`` caches what depends on its arguments alone (a PNG built from a
chart's spec, a chart drawn from its builder's arguments), under the same bound.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, overload

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from tandem.program.data_version import data_version, local_commits

MAX_ENTRIES = 64
SHARED_MAX_ENTRIES = 16
TTL = dt.timedelta(hours=1)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _RunVersions:
    """The data versions read in one script run (``run``: that run's own cursor map)."""

    run: object
    commits: int
    versions: dict[str, str] = field(default_factory=dict)


_RUN_ATTRIBUTE = "_tandem_data_versions"
_lock = threading.Lock()


def run_data_version(engine: Engine) -> str:
    """The data version of ``engine``'s database for this script run.

    Read on first use in a run; read again in the same run only if this
    thread has committed since (a write in a callback or the page itself).
    Outside a script run (the command line, benchmarks) it is read every time.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return data_version(engine)
    url = str(engine.url)
    commits = local_commits()  # before the version: a commit after it forces a new read
    with _lock:
        # Streamlit gives every run (a fragment's too) a new cursor map; holding on to
        # it keeps its identity from being reused by a later run.
        memo: _RunVersions | None = getattr(ctx, _RUN_ATTRIBUTE, None)
        if memo is None or memo.run is not ctx.cursors or memo.commits != commits:
            memo = _RunVersions(ctx.cursors, commits)
            setattr(ctx, _RUN_ATTRIBUTE, memo)
        version = memo.versions.get(url)
    if version is None:
        version = data_version(engine)
        with _lock:
            version = memo.versions.setdefault(url, version)
    return version


@overload
def cached_query(func: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def cached_query(*, shared: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def cached_query(func: Callable[..., Any] | None = None, /, *, shared: bool = False) -> Any:
    """Cache ``func(engine, *args)`` by database, data version and arguments (module docstring)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        return _cached(func, shared=shared)

    return decorate if func is None else decorate(func)


def _cached(func: Callable[P, R], *, shared: bool) -> Callable[P, R]:
    signature = inspect.signature(func)
    first, *_ = signature.parameters

    def compute(
        _call: inspect.BoundArguments, url: str, version: str, key: tuple[tuple[str, Any], ...]
    ) -> R:
        return func(*_call.args, **_call.kwargs)

    # Streamlit keys a function's cache by its module and name (and source).
    compute.__module__ = func.__module__
    compute.__qualname__ = func.__qualname__
    store: Any = (
        st.cache_resource(ttl=TTL, max_entries=SHARED_MAX_ENTRIES, show_spinner=False)
        if shared
        else st.cache_data(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
    )
    cached = store(compute)

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        engine: Engine = bound.arguments[first]
        key = tuple(
            (name, value)
            for name, value in bound.arguments.items()
            if name != first and not name.startswith("_")
        )
        version = run_data_version(engine)  # before the query, never after
        return cached(bound, str(engine.url), version, _compact(key))

    return wrapper


def _compact(key: tuple[tuple[str, Any], ...]) -> bytes:
    """The arguments as one pickle, which Streamlit hashes in one step.

    Streamlit's own hashing walks a ``Filters`` field by field (a dataclass through
    ``dataclasses.asdict``): a third of a warm page run's Python time went there.  A
    pickle rebuilds its value, so different arguments never share a key; equal ones
    pickled differently (a set's order) only miss the cache.  Every argument must
    pickle anyway: the cached result is stored as a pickle.
    """
    return pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL)


#: For pure functions of their arguments (a file built from a chart's spec): no
#: database, so no data version; the same bound as a query.
cached_file = st.cache_data(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
