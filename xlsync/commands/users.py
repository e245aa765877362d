"""xlsync user add/list/remove/token: the users of `xlsync serve`."""

from __future__ import annotations

from pathlib import Path

import click

from ..users import UsersFile
from . import command
from .common import FORMAT, emit_json, handle_errors

USERS = click.option(
    "--users", "users_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The users file of `xlsync serve` (holds token hashes, never tokens).",
)


@command("user", cls=click.Group)
def user() -> None:
    pass


@user.command("add")
@click.argument("name")
@click.option("--unit", "units", multiple=True, metavar="CODE", help="A unit code this user may push and pull (repeatable).")
@USERS
@handle_errors
def user_add(name, units, users_file) -> None:
    """Add a user; the new token is printed once, on the last line."""
    token = UsersFile(users_file).add(name, list(units))
    click.echo(f"已添加用户 {name}（单位 {', '.join(sorted(set(units)))}）。令牌只显示这一次，请交给该用户:")
    click.echo(token)


@user.command("list")
@USERS
@FORMAT
@handle_errors
def user_list(users_file, fmt) -> None:
    """List the users and their units (never tokens)."""
    users = UsersFile(users_file).users()
    if fmt == "json":
        emit_json([{"name": u.name, "units": list(u.units), "created": u.created} for u in users])
        return
    for u in users:
        click.echo(f"{u.name:20}  {' '.join(u.units):30}  {u.created}")
    click.echo(f"{len(users)} 个用户 (users)")


@user.command("remove")
@click.argument("name")
@USERS
@handle_errors
def user_remove(name, users_file) -> None:
    """Remove a user; the user's token stops working at once."""
    UsersFile(users_file).remove(name)
    click.echo(f"已删除用户 {name}")


@user.command("token")
@click.argument("name")
@USERS
@handle_errors
def user_token(name, users_file) -> None:
    """Give a user a new token (printed once, on the last line); the old one stops working."""
    token = UsersFile(users_file).new_token(name)
    click.echo(f"用户 {name} 的新令牌（旧令牌已失效），只显示这一次:")
    click.echo(token)
