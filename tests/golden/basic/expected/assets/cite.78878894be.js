/* "Copy citation" on paper pages: copies the BibTeX the page shows. The button stays hidden where
   it cannot work (no JavaScript, no clipboard); the BibTeX is on the page and in index.bib anyway. */
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  if (source && navigator.clipboard) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        status.textContent = "Copied to the clipboard.";
      } catch {
        status.textContent = "Could not copy: select the citation and copy it.";
      }
    });
  }
}
