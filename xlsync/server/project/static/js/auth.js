// xlsync: the user's token, kept in this browser's storage by the task pane, is sent by
// every script and function call as "Authorization: Bearer <token>".
globalThis.XLSYNC_TOKEN_KEY = "xlsync-token";
globalThis.getAuth = async function () {
  let token = "";
  try {
    token = localStorage.getItem(globalThis.XLSYNC_TOKEN_KEY) || "";
  } catch (e) {
    console.error("xlsync: no browser storage for the token", e);
  }
  return { token: token ? "Bearer " + token : "", provider: "" };
};
