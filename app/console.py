"""The ``ronda`` console script.

``ronda roster solve`` goes straight to the solver's command, without Typer: its
start-up (Pydantic, for an adapter per option) was most of the command's wall time,
0.2 s against a solve of a few milliseconds.  Everything else goes to ``app.cli``.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:2] == ["roster", "solve"]:
        from app.rostering.solver_cli import main as solve

        sys.exit(solve(args[2:]))
    from app.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
