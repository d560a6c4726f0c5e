// Runs first in <body>, before anything is painted, so styles that depend on JavaScript apply
// without a flash (the GOV.UK template does the same inline; careful keeps scripts in files so its
// Content-Security-Policy can forbid inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
