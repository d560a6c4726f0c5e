// Starts GOV.UK Frontend's and MOJ Frontend's components. Every page works without this: it only
// enhances what is already there.
import { initAll as initGovuk } from '/assets/govuk-frontend.min.js'
import { initAll as initMoj } from '/assets/moj-frontend.min.js'

initGovuk()
initMoj()
