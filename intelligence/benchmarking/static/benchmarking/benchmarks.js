// The council picker: GOV.UK's accessible autocomplete over the plain <select> (which is what
// browsers without script use). Loaded after accessible-autocomplete.min.js (both deferred).
const select = document.querySelector("select#council");
if (select && window.accessibleAutocomplete) {
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: select.value ? undefined : "",
    minLength: 2,
    showAllValues: false,
    dropdownArrow: () => "",
    tNoResults: () => "No council found: try part of its name",
  });
}
