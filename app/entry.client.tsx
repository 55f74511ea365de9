/**
 * Full mode only: 长辈版 pages render no script at all, so nothing here runs there.
 * Locale files are loaded as hashed chunks (cacheable forever) before hydration.
 */
import { RemixBrowser } from "@remix-run/react";
import i18next, { type BackendModule } from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { i18nConfig, sharedNamespaces } from "./i18n/config";

const locales = import.meta.glob<{ default: Record<string, unknown> }>(
  "../public/locales/*/*.json",
);

const chunkBackend: BackendModule = {
  type: "backend",
  init() {},
  read(language, namespace, callback) {
    const load = locales[`../public/locales/${language}/${namespace}.json`];
    if (!load) return callback(new Error(`no locale ${language}/${namespace}`), false);
    load().then(
      (m) => callback(null, m.default),
      (err: Error) => callback(err, false),
    );
  },
};

async function hydrate() {
  await i18next
    .use(initReactI18next)
    .use(chunkBackend)
    .init({
      ...i18nConfig,
      lng: document.documentElement.lang,
      // Both languages have every key (a test says so): an English page must not also download
      // the Chinese files as a fallback. That is a fifth of the page's JavaScript.
      fallbackLng: false,
      load: "currentOnly",
      // Every shared namespace before hydrating: form errors and the error page use several,
      // and a namespace still loading would show raw keys. They are small and cached for good.
      ns: [...new Set([...getInitialNamespaces(), ...sharedNamespaces])],
    });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
