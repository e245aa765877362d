// xlsync's ribbon buttons (manifest.xml: FunctionName) → the scripts of custom_scripts.py.
// The result comes back as a dialog in Excel.
const XLSYNC_RIBBON = {
  "xlsync-validate": "xlsync_validate",
  "xlsync-plan": "xlsync_plan",
  "xlsync-push": "xlsync_push",
  "xlsync-pull": "xlsync_pull",
};

async function xlsyncRibbon(scriptName, event) {
  try {
    const auth = await globalThis.getAuth();
    await xlwings.runPython({
      auth: auth.token,
      scriptName: scriptName,
      headers: { "Auth-Provider": auth.provider },
    });
  } finally {
    event.completed();
  }
}

Office.onReady(() => {
  for (const [functionName, scriptName] of Object.entries(XLSYNC_RIBBON)) {
    Office.actions.associate(functionName, (event) => xlsyncRibbon(scriptName, event));
  }
});
