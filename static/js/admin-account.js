// "Test the keys typed above": posts the form's keys and base URL as typed, saved or not, and says
// what the vendor answered, without leaving the page (the typed keys stay in their fields).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-test-typed]");
  if (!button) return;
  const form = button.closest("form");
  const result = document.getElementById("typed-check");
  button.disabled = true;
  result.className = "";
  result.textContent = "Asking the vendor…";
  try {
    const answer = await fetch(button.dataset.testTyped, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    const body = await answer.json();
    result.textContent = body.message;
    result.className = body.ok ? "check-ok" : "check-failed";
  } catch (error) {
    result.textContent = "The server could not be reached to test the keys. Try again in a minute.";
    result.className = "check-failed";
  } finally {
    button.disabled = false;
  }
});

// Copy buttons: the webhook URL to paste into the vendor's settings.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = "Copied";
  } catch (error) {
    const range = document.createRange();
    range.selectNodeContents(button.previousElementSibling);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    button.textContent = "Selected: press Ctrl+C";
  }
  setTimeout(() => { button.textContent = "Copy"; }, 2500);
});
