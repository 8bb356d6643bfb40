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
