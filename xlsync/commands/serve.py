"""xlsync serve: xlwings Server with xlsync's buttons, task pane and functions."""

from __future__ import annotations

import ipaddress
import uuid
from pathlib import Path

import click

from ..errors import XlsyncError
from ..users import UsersFile
from ..validators.profiles import load_profile
from . import command
from .common import handle_errors


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@command("serve")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The office's store: every push and pull goes here (a workbook's 存储位置 is ignored).")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The users file (xlsync user add …). Required unless listening on loopback only.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--max-request-mb", default=16.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Larger requests get 413 before they are read.")
@click.option("--hostname", envvar="XLSYNC_HOSTNAME",
              help="The public host name of the HTTPS proxy in front (the manifest's URLs, the only "
                   "CORS origin). Also read from XLSYNC_HOSTNAME.")
@click.option("--manifest-id", envvar="XLSYNC_MANIFEST_ID", metavar="GUID",
              help="The add-in's id in Excel, fixed per office (default: the one made with the users "
                   "file). Also read from XLSYNC_MANIFEST_ID.")
@click.option("--rules", default=None, metavar="NAME|PATH",
              help="One rule profile for every workbook (default: each workbook's own, else 'seed').")
@click.option("--license-key", envvar="XLWINGS_LICENSE_KEY",
              help="xlwings licence key, or 'noncommercial' (PolyForm Noncommercial: e.g. government "
                   "institutions, testing). Also read from XLWINGS_LICENSE_KEY.")
@handle_errors
def serve(store_dir, users_file, host, port, max_request_mb, hostname, manifest_id, rules, license_key) -> None:
    if not license_key:
        raise XlsyncError(
            "xlwings Server needs a licence key: set XLWINGS_LICENSE_KEY=noncommercial when your use "
            "is noncommercial under the PolyForm Noncommercial licence (it covers government "
            "institutions and testing), otherwise an xlwings key (see README, 'Licence')."
        )
    if users_file is None and not _loopback(host):
        raise click.UsageError(f"listening on {host} needs --users FILE: without users anyone who can "
                               "reach the port could push and pull (create one with `xlsync user add`)")
    if users_file is not None:
        if not UsersFile(users_file).users():  # unreadable or not a users file: fails here
            click.echo(f"注意：用户文件 {users_file} 中还没有用户，任何请求都会被拒绝 (401)。", err=True)
        manifest_id = manifest_id or UsersFile(users_file).manifest_id()
    if manifest_id is not None:
        try:
            parsed = uuid.UUID(manifest_id)
        except ValueError:
            parsed = None
        if parsed is None or parsed.version != 4:
            raise click.BadParameter(f"not a version 4 GUID (make one with uuidgen): {manifest_id}",
                                     param_hint="--manifest-id")
    if rules:
        load_profile(rules)  # a wrong name or file fails now, not at the first click
    try:  # xlwings Server is an optional extra, loaded only here
        import uvicorn

        from ..server import app
    except ImportError:
        raise XlsyncError("xlwings Server is not installed: pip install 'xlsync[server]'") from None
    asgi = app(store_dir, users_file, license_key, max_request_mb, manifest_id=manifest_id,
               hostname=hostname, rules=rules)
    if users_file is None:
        click.echo("注意：没有用户文件，只在本机地址上提供服务，任何本机用户都可推送、拉取所有单位。", err=True)
    uvicorn.run(asgi, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                limit_concurrency=64, timeout_keep_alive=5)
