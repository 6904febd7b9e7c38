import { escapeHtml, htmlPage } from '@coursehub/core';

/**
 * Where the pages' one script is served: a route of this feature under `/auth`, so it reaches auth
 * wherever `/auth` is routed; not an inline script.
 */
export const ACCOUNT_PAGES_SCRIPT_PATH = '/auth/account-pages.js';

/**
 * Content-Security-Policy of the account pages: the one script from this origin (no inline
 * script), `fetch` only to this origin, inline styles (core's `htmlPage`), no forms posted natively
 * (the script sends JSON), never framed. Set on these responses only; helmet's global policy stays.
 */
export const ACCOUNT_PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; " +
  "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers of the pages: the token is in their URL, so nothing keeps or forwards it. */
export const ACCOUNT_PAGE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': ACCOUNT_PAGE_CONTENT_SECURITY_POLICY,
} as const;

const PAGE_STYLE =
  '<style>form { max-width: 24rem; } label { display: block; margin: .75rem 0 .25rem; } ' +
  'input[type=password] { width: 100%; padding: .4rem; font: inherit; box-sizing: border-box; } ' +
  'button { margin-top: 1rem; padding: .45rem 1.1rem; font: inherit; cursor: pointer; } ' +
  '#result { margin-top: 1rem; padding: .6rem .9rem; border-radius: 6px; } #result p { margin: .2rem 0; } ' +
  '#result.ok { background: #e6f4ea; } #result.error { background: #fdecea; } #result.pending { background: #f3f5f9; }</style>';

/** What tells the two pages apart: the form the token is sent with, and what success shows. */
interface TokenForm {
  title: string;
  /** The JSON route the script posts the form to. */
  endpoint: string;
  /** What the script sends: `verify-email` the token, `reset-password` the token and the password. */
  kind: 'verify-email' | 'reset-password';
  /** The form's content besides the token and the submit button (HTML). */
  fields: string;
  submit: string;
  /** The template the script shows once the route answers 2xx (HTML; `data-field` from the answer). */
  success: string;
}

/** Both pages: heading, the form with the token, the area the script writes its result to, the script. */
function tokenFormPage(token: string, form: TokenForm): string {
  return htmlPage(
    `${form.title} — CourseHub`,
    PAGE_STYLE +
      `<h1>${escapeHtml(form.title)}</h1>` +
      `<form id="account-form" data-endpoint="${form.endpoint}" data-kind="${form.kind}">` +
      `<input type="hidden" name="token" value="${escapeHtml(token)}">` +
      form.fields +
      `<button type="submit" id="submit">${escapeHtml(form.submit)}</button>` +
      '</form>' +
      `<template id="success">${form.success}</template>` +
      '<div id="result" role="status" aria-live="polite" tabindex="-1" hidden></div>' +
      '<noscript><p>This page needs JavaScript to send the form.</p></noscript>' +
      `<script src="${ACCOUNT_PAGES_SCRIPT_PATH}" defer></script>`,
  );
}

/** `GET /verify-email?token=`: a button that posts the token to `POST /auth/verify-email`. */
export function renderVerifyEmailPage(token: string): string {
  return tokenFormPage(token, {
    title: 'Verify your e-mail address',
    endpoint: '/auth/verify-email',
    kind: 'verify-email',
    fields: '<p>Confirm that this address is yours to finish setting up your CourseHub account.</p>',
    submit: 'Verify my address',
    success:
      '<p>Your e-mail address is verified.</p>' +
      '<p class="muted">Address: <strong data-field="email"></strong></p>',
  });
}

/** `GET /reset-password?token=`: a new password, twice, posted to `POST /auth/password-reset/confirm`. */
export function renderResetPasswordPage(token: string): string {
  return tokenFormPage(token, {
    title: 'Choose a new password',
    endpoint: '/auth/password-reset/confirm',
    kind: 'reset-password',
    fields:
      '<label for="password">New password <span class="muted">(10 to 256 characters)</span></label>' +
      '<input type="password" id="password" name="password" autocomplete="new-password" required minlength="10" maxlength="256">' +
      '<label for="confirmation">New password again</label>' +
      '<input type="password" id="confirmation" name="confirmation" autocomplete="new-password" required minlength="10" maxlength="256">',
    submit: 'Set the new password',
    success:
      '<p>Your password is changed.</p>' +
      '<p>Every session of the account was signed out: log in again with the new password.</p>',
  });
}

/**
 * The pages' script (served at ACCOUNT_PAGES_SCRIPT_PATH): sends the form as JSON to its endpoint
 * and shows the success text or the messages of the one error shape. Writes only `textContent`
 * and cloned templates, never HTML from the server's answer. A string, not compiled code: what the
 * browser runs is exactly this.
 */
export const ACCOUNT_PAGES_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('account-form');
  var result = document.getElementById('result');
  if (!form || !result) return;
  var button = document.getElementById('submit');

  function show(kind, lines) {
    result.className = kind;
    result.replaceChildren();
    lines.forEach(function (line) {
      var paragraph = document.createElement('p');
      paragraph.textContent = line;
      result.appendChild(paragraph);
    });
    result.hidden = false;
  }

  function problems(status, body) {
    if (!body || typeof body.message !== 'string') {
      return ['The request failed (HTTP ' + status + '). Please try again later.'];
    }
    var lines = [body.message];
    (Array.isArray(body.errors) ? body.errors : []).forEach(function (field) {
      (Array.isArray(field.messages) ? field.messages : []).forEach(function (message) {
        if (lines.indexOf(String(message)) < 0) lines.push(String(message));
      });
    });
    return lines;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var payload = { token: form.elements.token.value };
    if (form.dataset.kind === 'reset-password') {
      var password = form.elements.password.value;
      if (password !== form.elements.confirmation.value) {
        show('error', ['The two passwords are not the same.']);
        return;
      }
      payload.password = password;
    }
    button.disabled = true;
    show('pending', ['Sending…']);
    fetch(form.dataset.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return { response: response, body: body }; },
          function () { return { response: response, body: null }; }
        );
      })
      .then(function (answer) {
        if (!answer.response.ok) {
          show('error', problems(answer.response.status, answer.body));
          button.disabled = false;
          return;
        }
        var success = document.getElementById('success').content.cloneNode(true);
        success.querySelectorAll('[data-field]').forEach(function (element) {
          var value = answer.body && answer.body[element.getAttribute('data-field')];
          element.textContent = value === undefined || value === null ? '' : String(value);
        });
        result.className = 'ok';
        result.replaceChildren(success);
        result.hidden = false;
        form.remove();
        // The token is used up: keep it out of the history entry and any bookmark.
        history.replaceState(null, '', location.pathname);
      })
      .catch(function () {
        show('error', ['The server could not be reached. Check the connection and try again.']);
        button.disabled = false;
      });
  });
})();
`;
