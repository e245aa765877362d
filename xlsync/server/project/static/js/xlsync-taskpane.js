// xlsync task pane: the token field (kept in this browser's storage, sent by getAuth in
// auth.js) and the results of the four buttons, in Chinese. The buttons themselves are
// xlwings' xw-click buttons: they post the workbook to /xlwings/custom-scripts-call/<script>.
import { registerCallback } from "./custom-scripts/index.js";

const KEY = globalThis.XLSYNC_TOKEN_KEY || "xlsync-token";
const result = () => document.getElementById("xlsync-result");

function show(text, level) {
  const box = result();
  box.textContent = text;
  box.classList.remove("d-none", "alert-secondary", "alert-success", "alert-danger");
  box.classList.add(level === "error" ? "alert-danger" : level === "ok" ? "alert-success" : "alert-secondary");
}

// Called by the scripts (book.app.macro("xlsyncShowResult")(text, level)).
async function xlsyncShowResult(context, text, level) {
  show(String(text), String(level));
}
registerCallback(xlsyncShowResult);

function tokenState() {
  const saved = localStorage.getItem(KEY);
  document.getElementById("xlsync-token-state").textContent = saved
    ? "已保存令牌。"
    : "尚未保存令牌：请先填写管理员发给您的令牌。";
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("xlsync-token-form");
  const input = document.getElementById("xlsync-token");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token) {
      localStorage.setItem(KEY, token);
    } else {
      localStorage.removeItem(KEY);
    }
    input.value = "";
    tokenState();
  });
  // 新增项目: the name and year typed go with the click (xlwings reads xw-args at click time)
  const newButton = document.getElementById("xlsync-new-project");
  const newArgs = () => newButton.setAttribute("xw-args", JSON.stringify(["pane",
    document.getElementById("xlsync-new-name").value.trim(), document.getElementById("xlsync-new-year").value.trim()]));
  for (const id of ["xlsync-new-name", "xlsync-new-year"]) {
    document.getElementById(id).addEventListener("input", newArgs);
  }
  document.getElementById("xlsync-new-form").addEventListener("submit", (event) => event.preventDefault());
  for (const button of document.querySelectorAll("[xw-click]")) {
    button.addEventListener("click", () => show("正在处理“" + button.textContent.trim() + "”…", "busy"));
  }
  tokenState();
});
