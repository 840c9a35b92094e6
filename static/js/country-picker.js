// A searchable list of countries in place of a long <select multiple data-country-picker>:
// a text box filters the countries as one types, the chosen ones stand above it as buttons
// that remove them. The select stays in the form, hidden, and holds the choice, so the form
// posts the same data; without this script it is the plain select.
// Its words come from the JavaScript catalogue (gettext, ngettext, interpolate: base.html).
(function () {
  "use strict";

  // "Égypte" is found by "egy": compared without accents or capitals.
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select) {
    var id = select.id;
    var label = select.labels[0];
    var labelText = label ? label.textContent.replace(/\*/g, "").trim() : "";
    var countries = Array.prototype.map.call(select.options, function (option) {
      return { option: option, name: option.textContent, folded: folded(option.textContent) };
    });

    var picker = document.createElement("div");
    picker.className = "country-picker";
    var chips = document.createElement("ul");
    chips.className = "country-chips";
    chips.setAttribute("aria-label", interpolate(gettext("Chosen: %(label)s"), { label: labelText }, true));
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-control";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-controls", id + "-options");
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    if (select.classList.contains("is-invalid")) input.classList.add("is-invalid");
    var list = document.createElement("ul");
    list.id = id + "-options";
    list.className = "country-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-multiselectable", "true");
    list.setAttribute("aria-label", labelText);
    var count = document.createElement("p");
    count.className = "visually-hidden";
    count.setAttribute("aria-live", "polite");

    // The text box takes the select's id, so its label and the error summary's link reach it.
    select.id = id + "-select";
    input.id = id;
    select.hidden = true;
    picker.append(chips, input, list, count);
    select.after(picker);

    var shown = [];
    var active = -1;
    var announce = null;

    countries.forEach(function (country, index) {
      var item = document.createElement("li");
      item.id = id + "-option-" + index;
      item.setAttribute("role", "option");
      item.textContent = country.name;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { toggle(country); setActive(shown.indexOf(country)); });
      country.item = item;
    });

    function setActive(index) {
      if (active >= 0 && shown[active]) shown[active].item.classList.remove("active");
      active = index;
      if (index >= 0 && shown[index]) {
        shown[index].item.classList.add("active");
        input.setAttribute("aria-activedescendant", shown[index].item.id);
        shown[index].item.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    // What was typed: those whose name starts with it first, then those that contain it.
    function filter(quiet) {
      var typed = folded(input.value.trim());
      var first = [], then = [];
      countries.forEach(function (country) {
        var at = typed ? country.folded.indexOf(typed) : 0;
        if (at === 0) first.push(country);
        else if (at > 0) then.push(country);
      });
      shown = first.concat(then);
      list.replaceChildren.apply(list, shown.map(function (country) { return country.item; }));
      setActive(typed && shown.length ? 0 : -1);
      clearTimeout(announce);
      if (quiet === true) return;
      announce = setTimeout(function () {
        count.textContent = interpolate(
          ngettext("%(count)s country matches", "%(count)s countries match", shown.length),
          { count: shown.length }, true);
      }, 400);
    }

    function drawChips() {
      chips.replaceChildren();
      countries.forEach(function (country) {
        country.item.setAttribute("aria-selected", country.option.selected ? "true" : "false");
        if (!country.option.selected) return;
        var chip = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.classList.add("btn", "btn-outline-secondary", "btn-sm");
        button.setAttribute("aria-label", interpolate(gettext("Remove %(country)s"), { country: country.name }, true));
        button.textContent = country.name + " ×";
        button.addEventListener("click", function () {
          toggle(country);
          input.focus();
        });
        chip.append(button);
        chips.append(chip);
      });
      chips.hidden = !chips.children.length;
    }

    function toggle(country) {
      country.option.selected = !country.option.selected;
      drawChips();
      count.textContent = interpolate(
        country.option.selected ? gettext("%(country)s chosen") : gettext("%(country)s removed"),
        { country: country.name }, true);
      select.dispatchEvent(new Event("change", { bubbles: true }));  // the autosave listens
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!shown.length) return;
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(Math.min(shown.length - 1, Math.max(0, active + step)));
      } else if (event.key === "Enter") {
        event.preventDefault();  // picks a country; does not send the form
        if (active < 0 || !shown[active]) return;
        toggle(shown[active]);
        input.value = "";  // ready for the next name
        filter(true);
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        filter();
      }
    });

    filter(true);
    drawChips();
  }

  document.querySelectorAll("select[multiple][data-country-picker]").forEach(enhance);
})();
