/**
 * Full mode only: 长辈版 pages render no script at all, so nothing here runs there.
 * Locale files are loaded as hashed chunks (cacheable forever) before hydration.
 */
import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { locales } from "virtual:liuhe-locales";
import { chunkBackend } from "./i18n/chunk-backend";
import { i18nConfig, namespacesInData } from "./i18n/config";

/** The page's loader data, action data and errors, as the server sent them for hydration. */
function pageData(): string {
  const context = (window as { __remixContext?: { state?: unknown } }).__remixContext;
  return JSON.stringify(context?.state ?? {});
}

async function hydrate() {
  await i18next
    .use(initReactI18next)
    .use(chunkBackend(locales, i18next))
    .init({
      ...i18nConfig,
      lng: document.documentElement.lang,
      // Both languages have every key (a test says so): an English page must not also download
      // the Chinese files as a fallback. That is a fifth of the page's JavaScript.
      fallbackLng: false,
      load: "currentOnly",
      // The page's own namespaces (its routes' `handle.i18n`), and those of any key in its data:
      // a refusal or error page rendered by the server must hydrate with the same text. Keys
      // met later (a refused form after a client-side post) load on first use (useKeyMessage).
      ns: [...new Set([...getInitialNamespaces(), ...namespacesInData(pageData())])],
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
