// Keyboard in the inbox: j / k move down and up the list, Enter opens the ticket, / goes to the search box.
// Ignored while typing in a field, so the letters still reach the search box.
(function () {
  const links = Array.from(document.querySelectorAll("table.inbox tbody a[data-ticket]"));
  let current = -1;

  function select(index) {
    if (!links.length) return;
    current = Math.max(0, Math.min(links.length - 1, index));
    links.forEach((link, i) => link.closest("tr").classList.toggle("selected", i === current));
    links[current].focus();
  }

  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current - 1); event.preventDefault(); }
    else if (event.key === "/") { document.getElementById("q").focus(); event.preventDefault(); }
  });
  document.body.dataset.shortcuts = "on";  // tests (and curious officials) can tell the keys are live
})();
