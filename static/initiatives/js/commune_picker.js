// The suggestion form's commune picker: a search box that filters the <select>'s options as
// one types, accents and case ignored ("etoile" finds "Étoile-sur-Rhône", "26400" finds
// Crest). Progressive enhancement: without JavaScript the plain select works as it is.
// Texts come from the page as JSON data (#commune-picker-config), never inline script.

const config = JSON.parse(document.getElementById("commune-picker-config")?.textContent || "{}");
const MAX_SIZE = 8;

export function searchKey(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/[^0-9a-z]+/g, " ")
    .trim();
}

function countText(n) {
  if (n === 0) return config.none || "";
  if (n === 1) return config.one || "1";
  return (config.many || "%(n)s").replace("%(n)s", String(n));
}

function enhance(select) {
  const empty = select.querySelector('option[value=""]');
  const options = [...select.options].filter((option) => option.value !== "");
  const keys = new Map(options.map((option) => [option, ` ${searchKey(option.text)}`]));

  const box = document.createElement("div");
  box.className = "picker";
  const label = document.createElement("label");
  const input = document.createElement("input");
  const status = document.createElement("p");
  input.type = "search";
  input.id = `${select.id}-filter`;
  input.autocomplete = "off";
  input.placeholder = config.placeholder || "";
  input.setAttribute("aria-controls", select.id);
  input.setAttribute("aria-describedby", `${select.id}-filter-status`);
  label.htmlFor = input.id;
  label.className = "picker-label";
  label.textContent = config.label || "";
  status.id = `${select.id}-filter-status`;
  status.className = "hint picker-status";
  status.setAttribute("aria-live", "polite");
  box.append(label, input, status);
  select.before(box);

  function filter() {
    const query = searchKey(input.value);
    if (!query) {
      select.replaceChildren(...(empty ? [empty] : []), ...options);
      select.size = 0;
      status.textContent = "";
      return;
    }
    // A word of the name (or a postcode) starting with what is typed.
    const matches = options.filter((option) => keys.get(option).includes(` ${query}`));
    const chosen = select.selectedOptions[0];
    select.replaceChildren(...(empty ? [empty] : []), ...matches);
    select.size = Math.min(Math.max(matches.length + 1, 2), MAX_SIZE);
    if (matches.length === 1) matches[0].selected = true;
    else if (chosen && matches.includes(chosen)) chosen.selected = true;
    else if (empty) empty.selected = true;
    status.textContent = countText(matches.length);
  }

  input.addEventListener("input", filter);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // choose in the list, do not send the form yet
      select.focus();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      select.focus();
    }
  });
}

document.querySelectorAll('select[data-picker="commune"]').forEach(enhance);
