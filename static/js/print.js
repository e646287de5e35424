// The print button of a paper (no inline script: the pages' CSP forbids it).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
