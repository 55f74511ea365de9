/**
 * This response's script nonce (see ~/utils/security-headers.server): provided by entry.server
 * around the page, read by the root for Remix's scripts and 长辈版's inline stylesheet. Empty in
 * the browser, which hides a nonce from scripts anyway.
 */
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = () => useContext(NonceContext);
