"""Macro-enabled workbooks (.xlsm): the VBA project that holds RunPython, and the xlsync
ribbon tab (customUI part). A new .xlsm is the plain workbook with these added."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from ..store import default_mode

CUSTOMUI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
CUSTOMUI = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="xlsyncTab" label="xlsync 绩效目标">
        <group id="xlsyncGroup" label="xlsync">
          <button id="xsValidate" label="校验" size="large" imageMso="AcceptInvitation" onAction="XlsyncValidateRibbon" screentip="检查本工作簿并把问题写入“校验结果”表"/>
          <button id="xsPlan" label="计算计划" size="large" imageMso="CalculateNow" onAction="XlsyncPlanRibbon" screentip="按金额计算实施计划占比、累计占比和季度进度"/>
          <button id="xsPush" label="推送" size="large" imageMso="FileSave" onAction="XlsyncPushRibbon" screentip="把本工作簿的项目推送到存储"/>
          <button id="xsPull" label="拉取" size="large" imageMso="Refresh" onAction="XlsyncPullRibbon" screentip="从存储拉取最新内容"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def xlwings_vba_container() -> Path:
    """xlwings' own standalone quickstart: a workbook whose VBA project holds RunPython."""
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


def default_macro_template() -> Path:
    """The VBA container of .xlsm exports: $XLSYNC_XLSM_TEMPLATE, else the repository's
    workbooks/xlsync-template.xlsm, else xlwings' own standalone quickstart (RunPython)."""
    configured = os.environ.get("XLSYNC_XLSM_TEMPLATE")
    if configured:
        return Path(configured)
    shipped = Path(__file__).resolve().parents[2] / "workbooks" / "xlsync-template.xlsm"
    if shipped.exists():
        return shipped
    return xlwings_vba_container()


def vba_project(template: str | Path | None = None) -> io.BytesIO:
    """The vbaProject.bin of the macro template, for xlsxwriter's add_vba_project."""
    with zipfile.ZipFile(template or default_macro_template()) as z:
        return io.BytesIO(z.read("xl/vbaProject.bin"))


def add_ribbon(path: Path) -> None:
    """Add the xlsync ribbon tab (customUI part and its package relationship)."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        if "customUI/customUI.xml" in z.namelist():
            return
        fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
        os.close(fd)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                data = z.read(info.filename)
                if info.filename == "_rels/.rels":
                    rel = (f'<Relationship Id="xlsyncUI" Type="{CUSTOMUI_REL}" '
                           f'Target="customUI/customUI.xml"/></Relationships>')
                    data = data.decode("utf-8").replace("</Relationships>", rel).encode("utf-8")
                out.writestr(info, data)
            out.writestr("customUI/customUI.xml", CUSTOMUI.encode("utf-8"))
    os.chmod(tmp, default_mode())
    os.replace(tmp, path)
