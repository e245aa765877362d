// A stand-in for office.js in a plain browser: just enough of Office.js and the Excel API
// for xlwings' task pane code to read a one-sheet workbook and run the actions it gets back.
// Everything not listed answers with another stub object, so chained calls work.
(function () {
  const calls = (globalThis.__officeCalls = []);
  const handlers = (globalThis.__ribbonHandlers = {});
  const values = { name: "Book1.xlsx", position: 0, isNullObject: true, values: [[""]],
    numberFormat: [["General"]], address: "Sheet1!A1", visibility: "Visible",
    calculationMode: "Automatic", showGridlines: true, rowCount: 1, columnCount: 1, type: "Unknown" };
  function stub(path) {
    const fn = function () {};
    return new Proxy(fn, {
      get(_target, key) {
        if (key === "then" || key === "toJSON" || typeof key === "symbol") {
          return key === Symbol.toPrimitive ? () => "" : undefined;
        }
        if (key === "items") {
          // one sheet when read; any sheet a script adds (新增项目) answers by its position too
          return path.endsWith("worksheets")
            ? new Proxy([stub("sheet")], { get: (t, k) => (typeof k === "string" && /^\d+$/.test(k) ? stub("sheet") : t[k]) })
            : [];
        }
        if (key === "name" && path.startsWith("sheet")) return "Sheet1";
        if (key in values) return values[key];
        if (key === "sync") return async () => undefined;
        if (key === "load") return () => stub(path);
        return stub(path + "." + String(key));
      },
      set() {
        return true; // a property the script sets (a table's name …): accepted, not kept
      },
      apply(_target, _this, args) {
        calls.push(path);
        return stub(path + "()");
      },
    });
  }
  const context = stub("context");
  globalThis.Excel = new Proxy({}, {
    get(_t, key) {
      if (key === "run") return async (cb) => cb(context);
      if (key === "ShapeType") return { image: "Image" };
      if (key === "RequestContext") return function () { return context; };
      return stub("Excel." + String(key));
    },
  });
  globalThis.Office = {
    onReady: (cb) => { const info = { host: "Excel", platform: "PC" }; if (cb) cb(info); return Promise.resolve(info); },
    actions: { associate: (name, handler) => { handlers[name] = handler; } },
    context: {
      requirements: { isSetSupported: () => false },
      ui: { displayDialogAsync: (...args) => calls.push("dialog") },
      diagnostics: null,
    },
    HostType: { Excel: "Excel" },
    EventType: {},
  };
  globalThis.CustomFunctions = { associate: (name) => calls.push("function:" + name) };
  globalThis.OfficeRuntime = { storage: stub("storage") };
})();
