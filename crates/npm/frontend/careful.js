// Starts GOV.UK Frontend's and MOJ Frontend's components. Every page works without this: it only
// enhances what is already there.
import { initAll as initGovuk } from '/assets/govuk-frontend.min.js'
import { initAll as initMoj } from '/assets/moj-frontend.min.js'

initGovuk()
initMoj()

// Questions asked only for some answers (a recording form's conditional questions): shown only
// while that answer is chosen. Without JavaScript every question shows, and those that do not
// apply are ignored. (GOV.UK Frontend's own conditional reveal marks a radio aria-expanded,
// which ARIA does not allow on a radio.)
const revealing = () => document.querySelectorAll('input[data-app-reveals]')
function syncReveals () {
  for (const input of revealing()) {
    const part = document.getElementById(input.dataset.appReveals)
    if (part) part.hidden = !input.checked
  }
}
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLInputElement && (event.target.type === 'radio' || event.target.type === 'checkbox')) {
    syncReveals()
  }
})
syncReveals()
