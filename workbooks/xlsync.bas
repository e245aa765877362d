Attribute VB_Name = "xlsync"
' xlsync: the four buttons of the workbook (desktop route, open-source xlwings).
' Import once into the template (Alt+F11, File > Import File...), then save it as .xlsm.
' Each macro runs the same Python entry point as xlwings Server does: xlsync.excel.
' Python must have xlsync installed (pip install xlsync); see the README.

Sub XlsyncValidate()
    RunPython "import xlsync.excel as x; x.run('validate')"
End Sub

Sub XlsyncPlan()
    RunPython "import xlsync.excel as x; x.run('plan')"
End Sub

Sub XlsyncPush()
    RunPython "import xlsync.excel as x; x.run('push')"
End Sub

Sub XlsyncPull()
    RunPython "import xlsync.excel as x; x.run('pull')"
End Sub

' Ribbon callbacks (the xlsync tab of the template's ribbon calls these).
Sub XlsyncValidateRibbon(control As IRibbonControl)
    XlsyncValidate
End Sub

Sub XlsyncPlanRibbon(control As IRibbonControl)
    XlsyncPlan
End Sub

Sub XlsyncPushRibbon(control As IRibbonControl)
    XlsyncPush
End Sub

Sub XlsyncPullRibbon(control As IRibbonControl)
    XlsyncPull
End Sub
