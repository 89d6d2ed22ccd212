// An attachment's name (附件说明) from the file chosen, without its extension, while the name box is empty or still
// holds the name an earlier choice put there: what the person typed is never replaced. Listens on the document, so
// the attachments panel works the same after htmx has swapped it.
(function () {
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.fillsTitle || !input.form) return;
    var title = input.form.elements.namedItem(input.dataset.fillsTitle);
    var file = input.files && input.files[0];
    if (!title || !file) return;
    if (title.value.trim() && title.value !== title.dataset.filledFrom) return;
    var name = file.name.replace(/\.[^.]+$/, "") || file.name;
    title.value = name;
    title.dataset.filledFrom = name;
  });
})();
