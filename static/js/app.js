// Small behaviours shared by the pages; everything else is htmx.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.openDialog);
    dialog.showModal();
    // The preview follows the ticks made before opening: ask for it afresh each time.
    const preview = dialog.querySelector("[data-preview]");
    if (preview && window.htmx) htmx.trigger(preview, "refresh");
    return;
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) {
    closer.closest("dialog").close();
    return;
  }
  const all = event.target.closest("[data-check-all]");
  if (all) {
    all.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach((box) => {
      box.checked = all.checked;
    });
  }
});

// A request that gets no usable answer (server error, network down, timeout) says so where its
// answer would have gone, instead of leaving a button that seems to do nothing.
function sayRequestFailed(event, words) {
  const source = event.detail.elt;
  const where = source && source.dataset.failsInto && document.querySelector(source.dataset.failsInto);
  if (!where) return;
  const note = document.createElement("p");
  note.className = "error";
  note.setAttribute("role", "alert");
  note.textContent = words;
  where.replaceChildren(note);
}
document.addEventListener("htmx:responseError", (event) => {
  sayRequestFailed(event, `The server could not answer (error ${event.detail.xhr.status}). Try again in a minute; if it keeps failing, tell your integration admin.`);
});
document.addEventListener("htmx:sendError", (event) => {
  sayRequestFailed(event, "The server could not be reached. Check your connection and try again.");
});
document.addEventListener("htmx:timeout", (event) => {
  sayRequestFailed(event, "The vendor is taking too long to answer. Try again in a minute.");
});
