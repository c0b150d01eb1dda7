"""``questlog serve``: the all-in-one process (until the HTTP services land, a placeholder)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", nargs="?", default="all", help="one service, or all")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from apps.gateway import create_app

    print(f"Questlog is running at http://{args.host}:{args.port}  (API docs: /schema)")
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0
