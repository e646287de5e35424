// Choosing a reply template puts its filled-in text into the reply box, for the official to edit.
document.querySelectorAll("select[data-fills]").forEach((select) => {
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    const target = document.getElementById(select.dataset.fills);
    if (option && option.dataset.text && target) target.value = option.dataset.text;
  });
});
